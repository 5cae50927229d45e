import Crypto
import Foundation
import HealthgateModel

/// Suishenma's current signing keys, as `GET /sssm/v1/keys` returns them or as configured by hand:
/// `{"keys":[{"kid","kty":"EC","crv":"P-256","x","y","nbf","exp"}]}`.
public struct ShanghaiKeySet: Sendable {
    /// The keys by id.
    public let keys: [String: ShanghaiKey]

    /// A set of already-parsed keys; a later key with a repeated id replaces an earlier one.
    public init(_ keys: [ShanghaiKey]) {
        var byID: [String: ShanghaiKey] = [:]
        for key in keys { byID[key.id] = key }
        self.keys = byID
    }

    /// The empty set: every token is then of an unknown key (forged) until a set arrives.
    public static let empty = ShanghaiKeySet([])

    /// The key named by a token's `kid`.
    public func key(id: String) -> ShanghaiKey? { keys[id] }

    /// The key ids, sorted, for logs and `inspect`.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Parses a JWK set document. Keys of another type or curve (a future rotation to another algorithm) are skipped;
    /// a P-256 key with unusable coordinates, a repeated `kid`, a set with no P-256 key at all, or a document that is
    /// not a JWK set is an error (`issuer-error`), so that a broken set never silently replaces a good one.
    public init(jwks bytes: [UInt8]) throws(HealthgateError) {
        let document: JWKSet
        do {
            document = try BoundedJSON.decode(JWKSet.self, from: bytes, maxBytes: 256 * 1024)
        } catch {
            throw .issuerError("the Suishenma key set is not a JWK set (\(error.word))")
        }
        var parsed: [ShanghaiKey] = []
        var seen = Set<String>()
        for jwk in document.keys {
            guard jwk.kty == "EC", jwk.crv == "P-256" else { continue }
            guard let kid = jwk.kid, !kid.isEmpty, kid.utf8.count <= 128 else {
                throw .issuerError("a Suishenma P-256 key has no kid")
            }
            guard seen.insert(kid).inserted else {
                throw .issuerError("the Suishenma key set names kid \(kid) twice")
            }
            guard let xText = jwk.x, let yText = jwk.y, let x = Base64URL.decode(xText), let y = Base64URL.decode(yText),
                x.count == 32, y.count == 32
            else {
                throw .issuerError("Suishenma key \(kid) has coordinates that are not 32-byte base64url")
            }
            let publicKey: P256.Signing.PublicKey
            do {
                publicKey = try P256.Signing.PublicKey(rawRepresentation: x + y)
            } catch {
                throw .issuerError("Suishenma key \(kid) is not a point on P-256")
            }
            parsed.append(ShanghaiKey(id: kid, publicKey: publicKey,
                                      notBefore: jwk.nbf.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                                      expires: jwk.exp.map { Date(timeIntervalSince1970: TimeInterval($0)) }))
        }
        guard !parsed.isEmpty else {
            throw .issuerError("the Suishenma key set holds no P-256 key")
        }
        self.init(parsed)
    }

    private struct JWKSet: Decodable {
        var keys: [JWK]
    }

    private struct JWK: Decodable {
        var kid: String?
        var kty: String?
        var crv: String?
        var x: String?
        var y: String?
        var nbf: Int64?
        var exp: Int64?
    }
}

extension BoundedJSON.Refusal {
    /// A short word for error details.
    var word: String {
        switch self {
        case .tooLarge: "too large"
        case .tooDeep: "nested too deeply"
        case .notJSON: "not the expected JSON"
        }
    }
}
