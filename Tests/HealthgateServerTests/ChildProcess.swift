import Foundation

/// Runs a child process to its end without blocking Swift's cooperative pool: the in-process simulators and gateway
/// answer on that pool, and a child that calls them (`config check --online`, a browser) would otherwise wait for a
/// thread its parent is holding.
enum ChildProcess {
    /// What a finished child left: exit status, standard output, standard error.
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `executable arguments`, reading both pipes on a dispatch queue.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let errorText = Self.readToEnd(errors)
        let outputText = await Self.readToEnd(output)
        let errorsRead = await errorText
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        return Outcome(status: process.terminationStatus, output: outputText, errors: errorsRead)
    }

    /// Everything `pipe` delivers until the writer closes it, read on a dispatch queue.
    private static func readToEnd(_ pipe: Pipe) async -> String {
        let handle = pipe.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))
            }
        }
    }
}
