import Foundation

/// Runs the `curl` command-line tool once for many URLs (so it reuses its connections), timed from outside, with
/// each transfer's `time_total` and `num_connects` read back from `--write-out`.
enum CurlCLIRun {
    struct Files: Sendable {
        let certificate: String
        let key: String
        let ca: String
    }

    /// ``measure(label:url:requests:parallel:files:scratch:)`` on a Dispatch thread: waiting for a process blocks.
    static func measureOffPool(
        label: String, url: String, requests: Int, parallel: Int?, files: Files, scratch: URL
    ) async throws -> Measurement {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try measure(
                            label: label, url: url, requests: requests, parallel: parallel, files: files,
                            scratch: scratch)
                    })
            }
        }
    }

    static func measure(
        label: String, url: String, requests: Int, parallel: Int?, files: Files, scratch: URL
    ) throws -> Measurement {
        let config = scratch.appendingPathComponent("curl-\(UUID().uuidString).conf")
        let output = scratch.appendingPathComponent("curl-\(UUID().uuidString).out")
        defer {
            try? FileManager.default.removeItem(at: config)
            try? FileManager.default.removeItem(at: output)
        }
        var lines = [
            "silent", "show-error", "fail", "no-progress-meter",
            "cert = \"\(files.certificate)\"", "key = \"\(files.key)\"", "cacert = \"\(files.ca)\"",
            "write-out = \"%{time_total} %{num_connects}\\n\"",
        ]
        if let parallel {
            lines += ["parallel", "parallel-max = \(parallel)"]
        }
        for _ in 0..<requests {
            lines.append("url = \"\(url)\"")
            lines.append("output = \"/dev/null\"")
        }
        try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw BenchmarkFailure("cannot create \(output.path)")
        }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--config", config.path]
        process.standardOutput = handle
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("curl exited with status \(process.terminationStatus)")
        }
        var latencies: [Double] = []
        var connects = 0
        for line in try String(contentsOf: output, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let time = Double(parts[0]), let count = Int(parts[1]) else { continue }
            latencies.append(time)
            connects += count
        }
        guard latencies.count == requests else {
            throw BenchmarkFailure("curl reported \(latencies.count) of \(requests) transfers")
        }
        return Measurement(
            label: label, requests: requests, seconds: elapsed.seconds, latencies: latencies, newConnections: connects)
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
