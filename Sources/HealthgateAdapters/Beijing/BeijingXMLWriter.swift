/// Writes Beijing's flat request documents (beijing.md): a UTF-8 prolog, one root, one child per line, every value
/// XML-escaped.
struct BeijingXMLWriter {
    private let root: String
    private var lines: [String] = []

    init(root: String) { self.root = root }

    /// Adds `<name>value</name>`.
    mutating func add(_ name: String, _ value: String) {
        lines.append("  <\(name)>\(Self.escape(value))</\(name)>")
    }

    /// The document as UTF-8 bytes.
    var bytes: [UInt8] {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root)>\n" + lines.joined(separator: "\n")
            + "\n</\(root)>\n"
        return Array(text.utf8)
    }

    /// Escapes `& < > " '` and drops the characters XML 1.0 cannot carry (controls other than tab, newline, return).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
