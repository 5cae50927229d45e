import Crypto
import Foundation
import HealthgateModel

/// One Suishenma signing key from the JWK set: an ECDSA P-256 public key, its id, and the window of `iat` values the
/// tokens it signs may carry (`nbf`/`exp`, shanghai.md "Signing keys").
public struct ShanghaiKey: Sendable {
    /// The key id tokens name in their `kid` claim.
    public let id: String
    /// The public key, from the JWK's `x` and `y` coordinates.
    public let publicKey: P256.Signing.PublicKey
    /// Tokens issued before this instant are not this key's (`nbf`), when the JWK says.
    public let notBefore: Date?
    /// Tokens issued after this instant are not this key's (`exp`), when the JWK says.
    public let expires: Date?

    public init(id: String, publicKey: P256.Signing.PublicKey, notBefore: Date?, expires: Date?) {
        self.id = id
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.expires = expires
    }

    /// Whether a token issued at `issuedAt` falls inside this key's window; one outside it is forged.
    public func mayHaveSigned(issuedAt: Date) -> Bool {
        if let notBefore, issuedAt < notBefore { return false }
        if let expires, issuedAt > expires { return false }
        return true
    }

    /// Whether `signature` (raw 64-byte r||s) verifies over `message` under this key.
    public func verifies(signature: [UInt8], over message: [UInt8]) -> Bool {
        guard signature.count == 64,
            let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return publicKey.isValidSignature(ecdsa, for: message)
    }
}
