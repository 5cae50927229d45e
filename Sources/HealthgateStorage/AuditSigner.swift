import Crypto
import Foundation
import HealthgateModel

/// The gateway's audit signing key: signs the chain head every N records or T seconds.
///
/// Reads a PEM private key: P-256 (`PRIVATE KEY` PKCS#8 or `EC PRIVATE KEY`) or Ed25519 (`PRIVATE KEY` PKCS#8, as
/// `openssl genpkey -algorithm ed25519` writes it).
public struct AuditSigner: Sendable {
    private enum Key: Sendable {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    private let key: Key
    /// The public half, stored in `audit_keys` beside the signatures.
    public let publicKey: AuditPublicKey

    private static let ed25519PKCS8Prefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    private init(key: Key) {
        self.key = key
        switch key {
        case .p256(let k):
            publicKey = try! AuditPublicKey(algorithm: .p256, subjectPublicKeyInfo: Array(k.publicKey.derRepresentation))
        case .ed25519(let k):
            publicKey = try! AuditPublicKey(algorithm: .ed25519,
                                            subjectPublicKeyInfo: AuditPublicKey.ed25519SPKIPrefix + Array(k.publicKey.rawRepresentation))
        }
    }

    /// A signer from PEM text.
    public init(pem: String) throws(StorageError) {
        if let der = PEMText.first(pem, label: "PRIVATE KEY"), der.count == 48, der.starts(with: Self.ed25519PKCS8Prefix) {
            guard let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.dropFirst(16)) else {
                throw StorageError(.signingKey, "the Ed25519 private key does not parse")
            }
            self.init(key: .ed25519(k))
            return
        }
        guard let k = try? P256.Signing.PrivateKey(pemRepresentation: pem) else {
            throw StorageError(.signingKey, "the PEM text is neither a P-256 nor an Ed25519 private key")
        }
        self.init(key: .p256(k))
    }

    /// A signer from a PEM file.
    public init(pemFile path: String) throws(StorageError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StorageError(.signingKey, "the signing key file cannot be read")
        }
        try self.init(pem: text)
    }

    /// A fresh random key (tests, development).
    public static func generate(_ algorithm: AuditSigningAlgorithm = .p256) -> AuditSigner {
        switch algorithm {
        case .p256: AuditSigner(key: .p256(P256.Signing.PrivateKey()))
        case .ed25519: AuditSigner(key: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// The private key as PEM PKCS#8 (`PRIVATE KEY`), for writing a development key file.
    public var pemRepresentation: String {
        switch key {
        case .p256(let k): k.pemRepresentation
        case .ed25519(let k): PEMText.encode(Self.ed25519PKCS8Prefix + Array(k.rawRepresentation), label: "PRIVATE KEY")
        }
    }

    /// The algorithm of the key.
    public var algorithm: AuditSigningAlgorithm { publicKey.algorithm }

    /// Signs the chain head `seq`/`hash` as of `signedAtMs` (`AuditCanonicalEncoding.headMessage`).
    package func signHead(seq: Int64, hash: [UInt8], signedAtMs: Int64) throws(StorageError) -> AuditSignatureInfo {
        let message = AuditCanonicalEncoding.headMessage(seq: seq, hash: hash, signedAtMs: signedAtMs)
        return AuditSignatureInfo(seq: seq, headHash: hash, signedAt: AuditRow.date(milliseconds: signedAtMs),
                                  keyID: publicKey.keyID, signature: try sign(message))
    }

    /// Signs `message`: 64 bytes for both algorithms.
    func sign(_ message: [UInt8]) throws(StorageError) -> [UInt8] {
        do {
            switch key {
            case .p256(let k): return Array(try k.signature(for: message).rawRepresentation)
            case .ed25519(let k): return Array(try k.signature(for: message))
            }
        } catch {
            throw StorageError(.signingKey, "signing the chain head failed")
        }
    }
}
