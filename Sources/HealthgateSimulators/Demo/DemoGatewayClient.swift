import Foundation
import HealthgatePKI
import HealthgateTransport

/// What the demo's callers of a gateway share: a libcurl client presenting one client certificate over mutual TLS,
/// posting JSON and reading the answer's top-level object loosely for printing.
struct DemoGatewayClient: Sendable {
    /// The gateway's base URL.
    let gateway: URL
    private let endpoint: EndpointConfiguration
    private let client: CurlHTTPClient

    /// A client presenting `identity`, trusting `gatewayCA` for the gateway's server certificate.
    init(gateway: URL, identity: DevCertificateFiles, gatewayCA: URL) throws {
        self.gateway = gateway
        endpoint = EndpointConfiguration(
            baseURL: gateway, clientCertificateFile: identity.certificate.path, clientKeyFile: identity.privateKey.path,
            trustedCAFile: gatewayCA.path, connectTimeout: .seconds(3), requestTimeout: .seconds(15))
        client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 2, maxTotalConnections: 4))
    }

    /// Posts `body` (JSON) to `path`; the status, the body as text and its top-level object (empty if not JSON).
    func post(_ path: String, body: [UInt8], headers extra: [String: String] = [:]) async throws
        -> (status: Int, text: String, object: [String: Any]) {
        var headers: TransportHeaders = ["Content-Type": "application/json"]
        for (name, value) in extra { headers.add(name: name, value: value) }
        let response = try await client.send(
            TransportRequest(method: .post, path: path, headers: headers, body: body), endpoint: endpoint)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, String(decoding: response.body, as: UTF8.self), object)
    }

    /// The top-level string (and boolean) fields of `object`.
    static func fields(of object: [String: Any]) -> [String: String] {
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String { fields[key] = text }
            if let flag = value as? Bool { fields[key] = flag ? "true" : "false" }
        }
        return fields
    }

    /// Stops the client's curl thread.
    func shutdown() { client.shutdown() }
}
