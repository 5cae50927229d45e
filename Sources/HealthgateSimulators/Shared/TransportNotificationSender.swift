import Foundation
import HealthgateTransport

/// Sends notifications with the project's libcurl transport (`HealthgateTransport`), presenting the city's
/// notifier client certificate and trusting only the receivers' CA.
public struct TransportNotificationSender: NotificationSender {
    /// The notifier client certificate (PEM).
    public let certificate: URL
    /// Its private key (PEM).
    public let privateKey: URL
    /// The roots trusted for the receivers' server certificates (PEM).
    public let trustRoots: URL
    private let client: CurlHTTPClient

    /// A sender with the city's notifier identity and its own curl client.
    public init(certificate: URL, privateKey: URL, trustRoots: URL) throws(SimulatorError) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        do {
            client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 2, maxTotalConnections: 16))
        } catch {
            throw SimulatorError(.notificationFailed, "the transport could not be started")
        }
    }

    public func post(url: URL, body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = (components?.percentEncodedPath ?? "/") + (components?.percentEncodedQuery.map { "?" + $0 } ?? "")
        components?.percentEncodedPath = ""
        components?.percentEncodedQuery = nil
        guard let base = components?.url else { throw SimulatorError(.notificationFailed, "not a URL") }
        let endpoint = EndpointConfiguration(
            baseURL: base, clientCertificateFile: certificate.path, clientKeyFile: privateKey.path,
            trustedCAFile: trustRoots.path, requestTimeout: .seconds(10))
        let request = TransportRequest(
            method: .post, path: path.isEmpty ? "/" : path,
            // One connection per notification: none lingers to delay the receiver's graceful shutdown.
            headers: ["Content-Type": "application/json; charset=utf-8", "Connection": "close"], body: body)
        let response = try await client.send(request, endpoint: endpoint)
        return (response.status, response.body)
    }
}
