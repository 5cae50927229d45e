import Foundation
import HealthgateModel

/// Beijing's QR content (beijing.md, "QR content"): `BJJXXZ|<20-digit card id>|<yyyyMMddHHmmss>|<8 lower hex>`, valid
/// for 600 s after it was drawn, refused when more than 60 s in the future.
enum BeijingCode {
    /// The prefix that claims a content as Beijing's.
    static let prefix = "BJJXXZ|"
    /// How long a code is valid after `generated`.
    static let lifetime: TimeInterval = 600
    /// How far in the future `generated` may be (clock skew).
    static let futureSkew: TimeInterval = 60

    /// The parts of a well-formed code.
    struct Parts {
        var cardID: String
        var generated: Date
    }

    /// The parts of a Beijing code; `nil` when `qr` is not Beijing's shape at all; `code-malformed` or `code-expired`
    /// when it is but fails a check.
    static func parse(_ qr: String, now: Date) throws(HealthgateError) -> Parts? {
        guard qr.utf8.starts(with: prefix.utf8) else { return nil }
        let fields = qr.utf8.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
        guard fields.count == 4 else {
            throw .malformed("a Beijing code has four |-separated parts")
        }
        let card = fields[1]
        guard card.count == 20, card.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .malformed("a Beijing card id is 20 digits")
        }
        guard let generated = ChinaTime.parseCompact(String(decoding: fields[2], as: UTF8.self)) else {
            throw .malformed("a Beijing code's time is not a real yyyyMMddHHmmss time")
        }
        guard HexText.isHex(String(decoding: fields[3], as: UTF8.self), count: 8, lowerOnly: true) else {
            throw .malformed("a Beijing code's check is 8 lower-case hex digits")
        }
        let age = now.timeIntervalSince(generated)
        guard age <= lifetime else {
            throw HealthgateError(.codeExpired, "the Beijing code is older than 600 s")
        }
        guard age >= -futureSkew else {
            throw HealthgateError(.codeExpired, "the Beijing code is dated more than 60 s in the future")
        }
        return Parts(cardID: String(decoding: card, as: UTF8.self), generated: generated)
    }
}
