/// Writes one flat Hangzhou JSON object with its members in the order given, as the city documents print them (JSONEncoder
/// does not promise an order). Strings are escaped per RFC 8259; non-ASCII text stays UTF-8.
struct HangzhouJSONWriter {
    private var members: [String] = []

    /// Adds a string member, or `null` when `value` is `nil`.
    mutating func add(_ key: String, _ value: String?) {
        members.append(Self.quote(key) + ":" + (value.map(Self.quote) ?? "null"))
    }

    /// Adds an integer member.
    mutating func add(_ key: String, number: Int) {
        members.append(Self.quote(key) + ":" + String(number))
    }

    /// The object as UTF-8 bytes.
    var bytes: [UInt8] { Array(("{" + members.joined(separator: ",") + "}").utf8) }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
