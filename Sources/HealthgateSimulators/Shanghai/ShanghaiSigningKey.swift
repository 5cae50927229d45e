import Crypto
import Foundation

/// A Shanghai QR signing key: ECDSA P-256, its `kid`, and the `nbf`/`exp` bounds of the tokens it may sign.
public struct ShanghaiSigningKey: Sendable {
    /// The private key.
    public let privateKey: P256.Signing.PrivateKey
    /// The key id named in the tokens' `kid`.
    public let kid: String
    /// Unix seconds before which the key signs nothing.
    public let notBefore: Int64
    /// Unix seconds after which the key signs nothing.
    public let expires: Int64

    /// A key from its parts.
    public init(privateKey: P256.Signing.PrivateKey, kid: String, notBefore: Int64, expires: Int64) {
        self.privateKey = privateKey
        self.kid = kid
        self.notBefore = notBefore
        self.expires = expires
    }

    /// A key from a PKCS#8 PEM private key.
    public init(pem: String, kid: String, notBefore: Int64, expires: Int64) throws(SimulatorError) {
        do {
            self.init(privateKey: try P256.Signing.PrivateKey(pemRepresentation: pem), kid: kid, notBefore: notBefore, expires: expires)
        } catch {
            throw SimulatorError(.unreadableCredentials, "not a P-256 private key in PEM")
        }
    }

    /// The test key of `vectors/shanghai-test-key.pem`, kid `ssm-test-1`: no real system uses it. The development
    /// federation signs with it so that a gateway can be configured with the published test JWK set.
    public static let test: ShanghaiSigningKey = try! ShanghaiSigningKey(
        pem: testKeyPEM, kid: "ssm-test-1", notBefore: 1_577_808_000, expires: 1_924_905_600)

    /// `vectors/shanghai-test-key.pem` (a published test key pair).
    public static let testKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXu3A3iAgAwIIFQAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAGhRANCAARlgk4wRm+K2Zm+eNALfpz0sJfXgHm3
        9y3OJE8Exfe7D/xoOWWNs0rn931JLMa2ZMoc0ynrsKGDPeqCxFSUUbmK
        -----END PRIVATE KEY-----
        """

    /// The public key as a JWK (`kid`, `kty`, `crv`, `x`, `y`, `nbf`, `exp`).
    public var jwk: JSONValue {
        let point = Array(privateKey.publicKey.x963Representation)  // 0x04 || x || y
        return .object([
            ("kid", .string(kid)), ("kty", .string("EC")), ("crv", .string("P-256")),
            ("x", .string(Self.base64URL(point[1..<33]))), ("y", .string(Self.base64URL(point[33..<65]))),
            ("nbf", .int(notBefore)), ("exp", .int(expires)),
        ])
    }

    /// A JWK set of these keys, as `GET /sssm/v1/keys` answers.
    public static func jwkSet(_ keys: [ShanghaiSigningKey]) -> JSONValue {
        .object([("keys", .array(keys.map(\.jwk)))])
    }

    /// Signs a token: `SSM1.<claims>.<signature>`, the signature raw `r || s` over `SSM1.<claims>`.
    public func sign(sid: String, status: Int, issuedAt: Int64, lifetime: Int64 = 3600) -> String {
        let claims = JSONValue.object([
            ("v", .int(1)), ("sid", .string(sid)), ("iat", .int(issuedAt)), ("exp", .int(issuedAt + lifetime)),
            ("st", .int(Int64(status))), ("kid", .string(kid)),
        ])
        let signed = "SSM1." + Self.base64URL(claims.bytes)
        let signature = try! privateKey.signature(for: Array(signed.utf8))
        return signed + "." + Self.base64URL(Array(signature.rawRepresentation))
    }

    /// Base64url without padding.
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
