import Crypto
import Foundation
import HealthgateModel

/// The algorithm of an audit signing key.
public enum AuditSigningAlgorithm: String, Hashable, Sendable {
    /// ECDSA over P-256 with SHA-256; signatures stored as the 64-byte raw `r ‖ s`.
    case p256 = "ecdsa-p256-sha256"
    /// Ed25519; 64-byte signatures.
    case ed25519 = "ed25519"
}

/// The public half of an audit signing key: verifies chain-head signatures; read from a PEM file or from the database.
public struct AuditPublicKey: Hashable, Sendable {
    /// The key's algorithm.
    public let algorithm: AuditSigningAlgorithm
    /// The DER SubjectPublicKeyInfo.
    public let subjectPublicKeyInfo: [UInt8]

    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// A key from its algorithm and DER SubjectPublicKeyInfo; fails with `storage-signing-key` when they do not parse.
    public init(algorithm: AuditSigningAlgorithm, subjectPublicKeyInfo: [UInt8]) throws(StorageError) {
        switch algorithm {
        case .p256:
            guard (try? P256.Signing.PublicKey(derRepresentation: subjectPublicKeyInfo)) != nil else {
                throw StorageError(.signingKey, "not a P-256 public key")
            }
        case .ed25519:
            guard subjectPublicKeyInfo.count == 44, subjectPublicKeyInfo.starts(with: Self.ed25519SPKIPrefix) else {
                throw StorageError(.signingKey, "not an Ed25519 public key")
            }
        }
        self.algorithm = algorithm
        self.subjectPublicKeyInfo = subjectPublicKeyInfo
    }

    /// A key from a PEM `PUBLIC KEY` (P-256 or Ed25519).
    public init(pem: String) throws(StorageError) {
        guard let der = PEMText.first(pem, label: "PUBLIC KEY") else {
            throw StorageError(.signingKey, "no PUBLIC KEY block in the PEM text")
        }
        if der.starts(with: Self.ed25519SPKIPrefix) {
            try self.init(algorithm: .ed25519, subjectPublicKeyInfo: der)
        } else {
            try self.init(algorithm: .p256, subjectPublicKeyInfo: der)
        }
    }

    /// A key from a PEM file.
    public init(pemFile path: String) throws(StorageError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StorageError(.signingKey, "the public key file cannot be read")
        }
        try self.init(pem: text)
    }

    /// The key id stored beside each signature: lower-case hex SHA-256 of the SubjectPublicKeyInfo.
    public var keyID: String { Hex.encode(SHA256.hash(data: subjectPublicKeyInfo)) }

    /// The key as a PEM `PUBLIC KEY` block.
    public var pemRepresentation: String { PEMText.encode(subjectPublicKeyInfo, label: "PUBLIC KEY") }

    /// Whether `signature` is this key's signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch algorithm {
        case .p256:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: subjectPublicKeyInfo),
                let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: subjectPublicKeyInfo.dropFirst(12)) else {
                return false
            }
            return key.isValidSignature(signature, for: message)
        }
    }
}
