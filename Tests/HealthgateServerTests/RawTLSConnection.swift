import Foundation
import HealthgatePKI
import HealthgateChildProcess

#if canImport(Glibc)
import Glibc
#endif

/// One TLS connection to the gateway through `openssl s_client`, for what libcurl will not do: send a request byte by
/// byte, speak HTTP/1.0, and see whether the server closed the connection (s_client exits when it does).
final class RawTLSConnection: Sendable {
    private let process: SpawnedChild
    /// The write end of the child's standard input, and the read end of its standard output.
    private let input: Int32
    private let output: Int32

    init(port: Int, identity: DevCertificateFiles, trusting ca: URL) throws {
        let stdin = try SpawnedChild.pipe()
        let stdout = try SpawnedChild.pipe()
        defer {
            close(stdin.read)
            close(stdout.write)
        }
        do {
            process = try SpawnedChild.start(
                "/usr/bin/env", ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-cert", identity.certificate.path,
                                 "-key", identity.privateKey.path, "-CAfile", ca.path, "-quiet"],
                standardInput: stdin.read, standardOutput: stdout.write)
        } catch {
            close(stdin.write)
            close(stdout.read)
            throw error
        }
        input = stdin.write
        output = stdout.read
    }

    /// Sends `text` as it is.
    func send(_ text: String) { write(Array(text.utf8)) }

    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(input, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    /// Whether the server closed the connection within `limit` (polled), then everything it sent; `trickle`, when
    /// given, is sent a byte every `trickleEvery` meanwhile (a slow client that keeps the connection busy).
    func closedByServer(within limit: Duration, trickle: String? = nil, trickleEvery: Duration = .milliseconds(500))
        async -> (closed: Bool, received: String) {
        let end = ContinuousClock.now + limit
        var bytes = Array((trickle ?? "").utf8)[...]
        var nextByte = ContinuousClock.now + trickleEvery
        while process.ended == nil, ContinuousClock.now < end {
            if ContinuousClock.now >= nextByte, let byte = bytes.popFirst() {
                write([byte])
                nextByte = ContinuousClock.now + trickleEvery
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let closed = process.ended != nil
        if !closed { process.kill(SIGTERM) }
        _ = await process.wait()
        close(input)
        let data = await SpawnedChild.readToEnd(output)
        return (closed, String(decoding: data, as: UTF8.self))
    }
}
