import Crypto
import Foundation
import HealthgatePKI
import HealthgateTransport
import SwiftASN1
import X509

/// An app backend of the demo: calls a gateway's `POST /v1/transfers` over mutual TLS with a certificate
/// (`CN=transfer-agent-<region>`) that the gateway's configuration gives the role `transfer-agent`.
public struct DemoTransferAgent: Sendable {
    /// The certificate's common name for the gateway of `region`.
    public static func commonName(region: String) -> String { "transfer-agent-\(region)" }

    /// The gateway's base URL.
    public var gateway: URL { client.gateway }
    private let client: DemoGatewayClient

    /// Issues the agent's client certificate with the gateways' client CA of `layout`, written beside the
    /// checkpoint's as `gateways/<region>/transfer-agent-01.pem` (and `.key`).
    public static func issueIdentity(layout: DevPKILayout, region: String) throws -> DevCertificateFiles {
        let ca = DevCertificateAuthority(identity: DevCertificate(
            certificate: try Certificate(pemEncoded: String(contentsOf: layout.gatewayClientCA.certificate, encoding: .utf8)),
            privateKey: try P256.Signing.PrivateKey(
                pemRepresentation: String(contentsOf: layout.gatewayClientCA.privateKey, encoding: .utf8))))
        return try ca.issue(.client(commonName: commonName(region: region)))
            .write(to: layout.gatewayDirectory(region), name: "transfer-agent-01")
    }

    /// An agent presenting `identity`, trusting `gatewayCA` for the gateway's server certificate.
    public init(gateway: URL, identity: DevCertificateFiles, gatewayCA: URL) throws {
        client = try DemoGatewayClient(gateway: gateway, identity: identity, gatewayCA: gatewayCA)
    }

    /// What the gateway answered, read loosely for printing.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The body as text.
        public let text: String
        /// Top-level string fields (status, type, detail…).
        public let fields: [String: String]
        /// What the traveller is told (`explanation.text`, then `explanation.whatNext`), when the answer has it.
        public let explanation: [String]
        /// The home city's own words (`local`), as `name=value`.
        public let local: [String]
        /// The origin city's status and issuer.
        public let origin: [String: String]
    }

    /// Asks the gateway to take over the status of the traveller holding `qr`.
    public func transfer(qr: String, idNumber: String, name: String, requestID: UUID = UUID()) async throws -> Answer {
        let body = JSONValue.object([
            ("qr", .string(qr)), ("idNumber", .string(idNumber)), ("name", .string(name)),
            ("requestId", .string(requestID.uuidString.lowercased())),
        ]).bytes
        let answer = try await client.post("/v1/transfers", body: body)
        var local: [String] = []
        for (key, value) in (answer.object["local"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            local.append("\(key)=\(value is NSNull ? "null" : "\(value)")")
        }
        var origin: [String: String] = [:]
        for (key, value) in answer.object["origin"] as? [String: Any] ?? [:] {
            if let text = value as? String { origin[key] = text }
        }
        let told = answer.object["explanation"] as? [String: Any] ?? [:]
        return Answer(status: answer.status, text: answer.text, fields: DemoGatewayClient.fields(of: answer.object),
                      explanation: ["text", "whatNext"].compactMap { told[$0] as? String }, local: local,
                      origin: origin)
    }

    /// Stops the client's curl thread.
    public func shutdown() { client.shutdown() }
}
