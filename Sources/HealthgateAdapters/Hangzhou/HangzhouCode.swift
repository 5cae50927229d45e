import HealthgateModel

/// Hangzhou's QR content (hangzhou.md, "QR content"): the city's prefix (`HZHC2:` for Hangzhou itself, another for a
/// copy of its platform, such as Wenzhou's `WZHC2:`) and a 26-character Crockford base32 token.
enum HangzhouCode {
    /// The prefix every code of Hangzhou itself starts with.
    static let prefix = "HZHC2:"
    /// The token's length in characters.
    static let tokenLength = 26
    /// Crockford base32: digits and upper-case letters without I, L, O, U.
    static let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Whether `prefix` has the shape hangzhou.md gives a copy's prefix: four upper-case ASCII letters or digits,
    /// then `2:`. (The document says "five upper-case letters or digits then `2:`", but every example it gives,
    /// `HZHC2:`, `WZHC2:`, `NBHC2:`, has five characters before the colon, the fifth being the `2`: the examples decide.)
    static func isValidPrefix(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 6, bytes[4] == UInt8(ascii: "2"), bytes[5] == UInt8(ascii: ":") else { return false }
        return bytes.prefix(4).allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The token of a code with `prefix`; `nil` when `qr` does not start with `prefix` at all; `code-malformed` when it
    /// does but the token is not 26 Crockford characters (lower case included).
    static func token(of qr: String, prefix: String = HangzhouCode.prefix) throws(HealthgateError) -> String? {
        let bytes = Array(qr.utf8)
        let head = Array(prefix.utf8)
        guard bytes.starts(with: head) else { return nil }
        let token = bytes.dropFirst(head.count)
        guard token.count == tokenLength else {
            throw .malformed("a Hangzhou-style code has a \(tokenLength)-character token after \(prefix)")
        }
        guard token.allSatisfy(alphabet.contains) else {
            throw .malformed("a Hangzhou-style token is upper-case Crockford base32 (no I, L, O, U)")
        }
        return String(decoding: token, as: UTF8.self)
    }
}
