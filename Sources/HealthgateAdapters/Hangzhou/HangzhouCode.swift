import HealthgateModel

/// Hangzhou's QR content (hangzhou.md, "QR content"): `HZHC2:` and a 26-character Crockford base32 token.
enum HangzhouCode {
    /// The prefix every Hangzhou code starts with.
    static let prefix = "HZHC2:"
    /// The token's length in characters.
    static let tokenLength = 26
    /// Crockford base32: digits and upper-case letters without I, L, O, U.
    static let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The token of a Hangzhou code; `nil` when `qr` does not start with `HZHC2:` at all; `code-malformed` when it does
    /// but the token is not 26 Crockford characters (lower case included).
    static func token(of qr: String) throws(HealthgateError) -> String? {
        let bytes = Array(qr.utf8)
        let head = Array(prefix.utf8)
        guard bytes.starts(with: head) else { return nil }
        let token = bytes.dropFirst(head.count)
        guard token.count == tokenLength else {
            throw .malformed("a Hangzhou code has a \(tokenLength)-character token after HZHC2:")
        }
        guard token.allSatisfy(alphabet.contains) else {
            throw .malformed("a Hangzhou token is upper-case Crockford base32 (no I, L, O, U)")
        }
        return String(decoding: token, as: UTF8.self)
    }
}
