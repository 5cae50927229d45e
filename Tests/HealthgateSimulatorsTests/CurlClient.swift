import Foundation
import HealthgateChildProcess

/// A real HTTPS client for the tests: the `curl` command line with a client certificate (mutual TLS).
///
/// Independent of the simulators' and the gateway's code, so a bug on either side shows up.
struct CurlClient: Sendable {
    let certificate: URL
    let privateKey: URL
    let trustRoots: URL

    struct Answer: Sendable {
        /// curl's exit code (0 when an HTTP answer was received whole).
        var exitCode: Int32
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.last { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: body, as: UTF8.self) }

        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    func send(
        _ method: String, _ url: URL, headers: [String: String] = [:], body: [UInt8]? = nil, maxTime: Int = 60
    ) async throws -> Answer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headerFile = directory.appendingPathComponent("headers")
        let bodyFile = directory.appendingPathComponent("body")
        var arguments = [
            "--silent", "--max-time", String(maxTime), "--cert", certificate.path, "--key", privateKey.path,
            "--cacert", trustRoots.path, "--tlsv1.2", "-X", method, "--dump-header", headerFile.path,
            "--output", bodyFile.path, "--write-out", "%{http_code}",
        ]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url.absoluteString)
        let (code, output) = try await Self.run(arguments, stdin: body ?? [])
        let headerText = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        var parsed: [(String, String)] = []
        for line in headerText.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let bodyBytes = (try? Data(contentsOf: bodyFile)).map(Array.init) ?? []
        return Answer(
            exitCode: code, status: Int(String(decoding: output, as: UTF8.self)) ?? 0, headers: parsed, body: bodyBytes)
    }

    func postJSON(_ url: URL, _ object: [String: Any], headers: [String: String] = [:]) async throws -> Answer {
        var all = headers
        all["Content-Type"] = "application/json; charset=utf-8"
        return try await send("POST", url, headers: all, body: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    static func run(_ arguments: [String], stdin: [UInt8]) async throws -> (Int32, [UInt8]) {
        let (termination, output, _) = try await SpawnedChild.run("/usr/bin/curl", arguments, input: stdin)
        return (termination.status, output)
    }
}
