import HealthgateModel

/// Cheap checks on a raw answer before any parser sees it, so that a hostile or broken issuer cannot make the gateway
/// allocate, recurse or expand without bound: a size limit, a JSON nesting limit and a refusal of XML `<!DOCTYPE`.
///
/// Every adapter runs its answers through these first; each failure is a typed `HealthgateError` (by default
/// `issuer-error`, not transient).
public enum BodyGuard {
    /// The largest answer any city sends for one holder is a few kilobytes; 1 MiB leaves ample room.
    public static let maxBodyBytes = 1 << 20
    /// City answers nest three or four levels deep; anything past this is refused before decoding.
    public static let maxJSONDepth = 64

    /// Refuses a body larger than `limit` bytes.
    public static func checkSize(_ body: [UInt8], limit: Int = maxBodyBytes,
                                 code: HealthgateError.Code = .issuerError) throws(HealthgateError) {
        guard body.count <= limit else {
            throw HealthgateError(code, "the answer is \(body.count) bytes, more than the \(limit) allowed")
        }
    }

    /// The deepest nesting of `[` and `{` outside strings in a JSON text, stopping early once past `limit`.
    public static func jsonDepth(_ body: [UInt8], stoppingAfter limit: Int = .max) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > limit { return deepest }
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return deepest
    }

    /// Refuses a JSON body larger than `limit` bytes or nested deeper than `maxDepth`.
    public static func checkJSON(_ body: [UInt8], limit: Int = maxBodyBytes, maxDepth: Int = maxJSONDepth,
                                 code: HealthgateError.Code = .issuerError) throws(HealthgateError) {
        try checkSize(body, limit: limit, code: code)
        guard jsonDepth(body, stoppingAfter: maxDepth) <= maxDepth else {
            throw HealthgateError(code, "the answer nests deeper than \(maxDepth) levels")
        }
    }

    /// Whether the raw bytes contain a document type declaration or an entity declaration (`<!DOCTYPE`, `<!ENTITY`,
    /// any letter case), checked before decoding so that nothing is ever expanded or fetched.
    public static func containsDoctype(_ body: [UInt8]) -> Bool {
        containsASCIICaseInsensitive(body, "<!DOCTYPE") || containsASCIICaseInsensitive(body, "<!ENTITY")
    }

    /// Refuses an XML body larger than `limit` bytes or carrying a `<!DOCTYPE` / `<!ENTITY`.
    public static func checkXML(_ body: [UInt8], limit: Int = maxBodyBytes,
                                code: HealthgateError.Code = .issuerError) throws(HealthgateError) {
        try checkSize(body, limit: limit, code: code)
        guard !containsDoctype(body) else {
            throw HealthgateError(code, "the answer carries a document type declaration, which is never valid; refused unread")
        }
    }

    static func containsASCIICaseInsensitive(_ body: [UInt8], _ needle: StaticString) -> Bool {
        let pattern = needle.withUTF8Buffer { Array($0) }.map(lowerASCII)
        guard let first = pattern.first, body.count >= pattern.count else { return false }
        var index = 0
        let last = body.count - pattern.count
        while index <= last {
            if lowerASCII(body[index]) == first {
                var matched = true
                for offset in 1..<pattern.count where lowerASCII(body[index + offset]) != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }

    @inline(__always) private static func lowerASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
