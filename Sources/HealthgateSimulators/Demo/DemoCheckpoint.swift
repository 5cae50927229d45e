import Crypto
import Foundation
import HealthgatePKI
import HealthgateTransport

/// A checkpoint of the demo: calls a gateway's `POST /v1/verify` over mutual TLS with a checkpoint certificate.
public struct DemoCheckpoint: Sendable {
    /// The gateway's base URL.
    public var gateway: URL { client.gateway }
    private let client: DemoGatewayClient

    /// A checkpoint presenting `identity`, trusting `gatewayCA` for the gateway's server certificate.
    public init(gateway: URL, identity: DevCertificateFiles, gatewayCA: URL) throws {
        client = try DemoGatewayClient(gateway: gateway, identity: identity, gatewayCA: gatewayCA)
    }

    /// What the gateway answered, read loosely for printing.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The body as text.
        public let text: String
        /// Top-level string fields of a JSON answer (status, freshness, type, …).
        public let fields: [String: String]
        /// The reasons' codes and native codes (`key-area-travel (R12)`).
        public let reasons: [String]
        /// What the traveller is told (`explanation.text`, then `explanation.whatNext`), when the answer has it.
        public let explanation: [String]
    }

    /// Verifies `qr` for `scene`, asking for the explanation in `language` (an `Accept-Language` value) when given.
    public func verify(qr: String, scene: String = "transport", language: String? = nil) async throws -> Answer {
        let body = JSONValue.object([("qr", .string(qr)), ("scene", .string(scene))]).bytes
        let answer = try await client.post("/v1/verify", body: body,
                                           headers: language.map { ["Accept-Language": $0] } ?? [:])
        var reasons: [String] = []
        for reason in answer.object["reasons"] as? [[String: Any]] ?? [] {
            let code = reason["code"] as? String ?? "?"
            reasons.append((reason["native"] as? String).map { "\(code) (\($0))" } ?? code)
        }
        let told = answer.object["explanation"] as? [String: Any] ?? [:]
        return Answer(status: answer.status, text: answer.text, fields: DemoGatewayClient.fields(of: answer.object),
                      reasons: reasons, explanation: ["text", "whatNext"].compactMap { told[$0] as? String })
    }

    /// Stops the client's curl thread.
    public func shutdown() { client.shutdown() }
}

/// Keys the demo writes for its gateway.
public enum DemoKeys {
    /// A new P-256 private key in PKCS#8 PEM (the audit trail's signing key).
    public static func newP256PrivateKeyPEM() -> String {
        P256.Signing.PrivateKey().pemRepresentation
    }

    /// 32 random bytes (the gateway's pseudonym key).
    public static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
