import Foundation
import HealthgateChildProcess

/// Sends one outgoing notification (an HTTPS POST over mutual TLS) and returns the receiver's answer.
public protocol NotificationSender: Sendable {
    /// POSTs `body` as JSON to `url`; returns the HTTP status and body, or throws when nothing was answered.
    func post(url: URL, body: [UInt8]) async throws -> (status: Int, body: [UInt8])
}

/// Sends notifications with the `curl` command-line tool, presenting the city's notifier client certificate.
///
/// Each call runs one `curl` process on a dispatch queue (never on the cooperative pool).
public struct CurlNotificationSender: NotificationSender {
    /// The notifier client certificate (PEM).
    public let certificate: URL
    /// Its private key (PEM).
    public let privateKey: URL
    /// The roots trusted for the receivers' server certificates (PEM).
    public let trustRoots: URL
    /// The whole exchange's time limit, in seconds.
    public let timeoutSeconds: Int

    /// A sender with the city's notifier identity.
    public init(certificate: URL, privateKey: URL, trustRoots: URL, timeoutSeconds: Int = 10) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.timeoutSeconds = timeoutSeconds
    }

    public func post(url: URL, body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        let marker = "\n--healthgate-status:"
        let arguments = [
            "--silent", "--show-error", "--max-time", String(timeoutSeconds),
            "--cert", certificate.path, "--key", privateKey.path, "--cacert", trustRoots.path,
            "--tlsv1.2", "-X", "POST", "-H", "Content-Type: application/json; charset=utf-8",
            "--data-binary", "@-", "--output", "-", "--write-out", marker + "%{http_code}", url.absoluteString,
        ]
        let (exitCode, output) = try await CurlProcess.run(arguments: arguments, stdin: body)
        guard exitCode == 0 else {
            throw SimulatorError(.notificationFailed, "curl exited with \(exitCode)")
        }
        let markerBytes = Array(marker.utf8)
        guard let range = CurlProcess.lastRange(of: markerBytes, in: output),
            let status = Int(String(decoding: output[range.upperBound...], as: UTF8.self))
        else {
            throw SimulatorError(.notificationFailed, "no HTTP status in curl's output")
        }
        return (status, Array(output[..<range.lowerBound]))
    }
}

/// Runs the `curl` command-line tool.
enum CurlProcess {
    /// The curl executable: `/usr/bin/curl` when present, else found on `PATH` by `/usr/bin/env`.
    static var executable: (URL, [String]) {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
            ? (URL(fileURLWithPath: "/usr/bin/curl"), []) : (URL(fileURLWithPath: "/usr/bin/env"), ["curl"])
    }

    /// Runs curl with `arguments`, feeding `stdin`; returns its exit code and standard output.
    static func run(arguments: [String], stdin: [UInt8]) async throws -> (Int32, [UInt8]) {
        let (url, prefix) = executable
        do {
            let (termination, output, _) = try await SpawnedChild.run(url.path, prefix + arguments, input: stdin)
            return (termination.status, output)
        } catch {
            throw SimulatorError(.notificationFailed, "curl could not be started")
        }
    }

    /// The range of the last occurrence of `needle` in `haystack`.
    static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard haystack.count >= needle.count else { return nil }
        var start = haystack.count - needle.count
        while start >= 0 {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start..<(start + needle.count) }
            start -= 1
        }
        return nil
    }
}
