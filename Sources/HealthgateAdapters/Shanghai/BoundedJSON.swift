import Foundation
import HealthgateModel

/// Decodes JSON from an untrusted peer only after bounding it: at most `maxBytes`, at most `maxDepth` nested arrays and
/// objects, valid UTF-8. Every failure is a typed `HealthgateError` chosen by the caller, never a crash or an unbounded
/// recursion inside the decoder.
enum BoundedJSON {
    /// The largest answer any Suishenma or federation endpoint sends is well under a kilobyte; 64 KiB leaves room.
    static let defaultMaxBytes = 64 * 1024
    /// The deepest legitimate answer nests three levels (envelope → data → reasonCodes).
    static let defaultMaxDepth = 16

    /// Why a body was refused, for the caller to turn into its own error.
    enum Refusal: Error {
        case tooLarge, tooDeep, notJSON
    }

    /// Checks size and nesting depth (`BodyGuard.jsonDepth`) without building anything; O(n), no recursion.
    static func check(_ bytes: [UInt8], maxBytes: Int = defaultMaxBytes, maxDepth: Int = defaultMaxDepth) throws(Refusal) {
        guard bytes.count <= maxBytes else { throw .tooLarge }
        guard BodyGuard.jsonDepth(bytes, stoppingAfter: maxDepth) <= maxDepth else { throw .tooDeep }
    }

    /// Bounds, then decodes `T`; unknown fields are ignored by `Decodable` and so never leave the parser.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], maxBytes: Int = defaultMaxBytes,
                                     maxDepth: Int = defaultMaxDepth) throws(Refusal) -> T {
        try check(bytes, maxBytes: maxBytes, maxDepth: maxDepth)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notJSON }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw .notJSON
        }
    }

    /// Whether a `Content-Type` names JSON (`application/json`, `application/problem+json`, with any parameters);
    /// an absent header is given the benefit of the doubt.
    static func isJSONContentType(_ value: String?) -> Bool {
        guard let value else { return true }
        return MediaType(value)?.isJSON ?? false
    }
}

/// Writes small JSON documents with a fixed key order, so that the same input always gives the same bytes (Suishenma's
/// arrival idempotency compares bodies).
struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    init() {}

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += Self.quoted(name) + ":"
    }

    mutating func add(_ name: String, _ value: String) {
        key(name)
        text += Self.quoted(value)
    }

    mutating func add(_ name: String, _ value: Int64) {
        key(name)
        text += String(value)
    }

    mutating func add(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    mutating func add(_ name: String, _ values: [String]) {
        key(name)
        text += "[" + values.map(Self.quoted).joined(separator: ",") + "]"
    }

    mutating func addNull(_ name: String) {
        key(name)
        text += "null"
    }

    /// The finished document as UTF-8 bytes.
    var bytes: [UInt8] { Array((text + "}").utf8) }

    /// A JSON string literal, escaping quotes, backslashes and control characters.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
