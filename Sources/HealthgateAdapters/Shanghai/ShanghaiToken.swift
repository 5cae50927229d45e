import Foundation
import HealthgateModel

/// A Suishenma QR token `SSM1.<claims>.<signature>` taken apart, before any key is consulted.
///
/// Parsing decides only "malformed or not" (shanghai.md: a signature that is not exactly 64 bytes, or claims that are
/// not a JSON object with `v`, `sid`, `iat`, `exp`, `st`, `kid`, make the code malformed); forgery and expiry are
/// `ShanghaiAdapter.recognise`'s job.
public struct ShanghaiToken: Hashable, Sendable {
    /// The prefix that claims a QR content as Suishenma's.
    public static let prefix = "SSM1."
    /// No real token is near this long; longer content is refused before decoding.
    static let maxLength = 2048

    /// The bytes the signature covers: the ASCII of `SSM1.<claims>`.
    public let signedBytes: [UInt8]
    /// The raw r||s signature, exactly 64 bytes.
    public let signature: [UInt8]
    /// The claims' version (`v`), 1.
    public let version: Int
    /// The holder's Suishenma id: 16 lower-case hex digits.
    public let sid: String
    public let issuedAt: Date
    public let expires: Date
    /// The status signed into the token (`st`).
    public let status: HealthStatus
    /// The raw `st` number.
    public let statusNumber: Int
    /// The signing key's id.
    public let keyID: String

    /// Parses `content`; `nil` when it does not start with `SSM1.` (not Suishenma's), `code-malformed` when it does but
    /// is not a well-formed token.
    public init?(parsing content: String) throws(HealthgateError) {
        guard content.hasPrefix(Self.prefix) else { return nil }
        let bytes = Array(content.utf8)
        guard bytes.count <= Self.maxLength else { throw .malformed("a Suishenma token is at most \(Self.maxLength) characters") }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformed("a Suishenma token has three dot-separated parts")
        }
        guard let claimBytes = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)), !claimBytes.isEmpty else {
            throw .malformed("the Suishenma claims are not base64url without padding")
        }
        guard let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self)) else {
            throw .malformed("the Suishenma signature is not base64url without padding")
        }
        guard signature.count == 64 else {
            throw .malformed("the Suishenma signature is not 64 bytes (raw r||s)")
        }
        let claims: Claims
        do {
            claims = try BoundedJSON.decode(Claims.self, from: claimBytes, maxBytes: Self.maxLength, maxDepth: 2)
        } catch {
            throw .malformed("the Suishenma claims are not a JSON object with v, sid, iat, exp, st and kid")
        }
        guard claims.v == 1 else { throw .malformed("unsupported Suishenma claims version") }
        guard Self.isSID(claims.sid) else { throw .malformed("the Suishenma sid is not 16 lower-case hex digits") }
        guard let status = ShanghaiStatusCode.status(claims.st) else {
            throw .malformed("the Suishenma st is not 0, 1, 2 or 9")
        }
        guard !claims.kid.isEmpty, claims.kid.utf8.count <= 128 else { throw .malformed("the Suishenma kid is empty") }
        guard claims.iat >= 0, claims.exp >= 0, claims.iat < 253_402_300_799, claims.exp < 253_402_300_799 else {
            throw .malformed("the Suishenma iat or exp is out of range")
        }
        self.signedBytes = Array(bytes[0..<(Self.prefix.utf8.count + parts[1].count)])
        self.signature = signature
        self.version = claims.v
        self.sid = claims.sid
        self.issuedAt = Date(timeIntervalSince1970: TimeInterval(claims.iat))
        self.expires = Date(timeIntervalSince1970: TimeInterval(claims.exp))
        self.status = status
        self.statusNumber = claims.st
        self.keyID = claims.kid
    }

    /// Whether `text` is a Suishenma id: exactly 16 lower-case hex digits.
    public static func isSID(_ text: String) -> Bool {
        HexText.isHex(text, count: 16, lowerOnly: true)
    }

    private struct Claims: Decodable {
        var v: Int
        var sid: String
        var iat: Int64
        var exp: Int64
        var st: Int
        var kid: String
    }
}
