import Foundation
import HealthgatePKI

/// One TLS connection to the gateway through `openssl s_client`, for what libcurl will not do: send a request byte by
/// byte, speak HTTP/1.0, and see whether the server closed the connection (s_client exits when it does).
final class RawTLSConnection: @unchecked Sendable {
    // @unchecked: the process and pipes are used by one test task at a time.
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(port: Int, identity: DevCertificateFiles, trusting ca: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-cert", identity.certificate.path,
                             "-key", identity.privateKey.path, "-CAfile", ca.path, "-quiet"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Sends `text` as it is.
    func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    /// Whether the server closed the connection within `limit` (polled), then everything it sent; `trickle`, when
    /// given, is sent a byte every `trickleEvery` meanwhile (a slow client that keeps the connection busy).
    func closedByServer(within limit: Duration, trickle: String? = nil, trickleEvery: Duration = .milliseconds(500))
        async -> (closed: Bool, received: String) {
        let end = ContinuousClock.now + limit
        var bytes = Array((trickle ?? "").utf8)[...]
        var nextByte = ContinuousClock.now + trickleEvery
        while process.isRunning, ContinuousClock.now < end {
            if ContinuousClock.now >= nextByte, let byte = bytes.popFirst() {
                input.fileHandleForWriting.write(Data([byte]))
                nextByte = ContinuousClock.now + trickleEvery
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let closed = !process.isRunning
        if !closed { process.terminate() }
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return (closed, String(decoding: data, as: UTF8.self))
    }
}
