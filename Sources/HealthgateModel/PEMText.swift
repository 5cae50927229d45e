import Foundation

/// PEM armour (RFC 7468) as text: the DER bodies of the blocks with a label, and a block written from DER. The one
/// PEM reader of the gateway (certificates and keys in the configuration, the audit's signing and public keys).
public enum PEMText {
    /// The DER bodies of every `-----BEGIN <label>-----` block in `text`, in order; a block whose body is not base64
    /// is skipped.
    public static func blocks(_ text: String, label: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var rest = Substring(text)
        while let start = rest.range(of: begin) {
            guard let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) else { break }
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: String(body)) { result.append([UInt8](data)) }
            rest = rest[stop.upperBound...]
        }
        return result
    }

    /// The DER body of the first `label` block, or `nil`.
    public static func first(_ text: String, label: String) -> [UInt8]? {
        blocks(text, label: label).first
    }

    /// A block of `der` with `label`, in lines of 64 characters.
    public static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines: [Substring] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(base64[index..<next])
            index = next
        }
        return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
    }
}
