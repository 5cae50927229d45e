/// Shape checks for the hex identifiers and digests the cities send (`holder_ref`, `id_no_sha256`, Beijing's check).
enum HexText {
    /// Whether `text` is exactly `count` hex digits; lower case only when `lowerOnly`.
    static func isHex(_ text: some StringProtocol, count: Int, lowerOnly: Bool) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                || (!lowerOnly && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
        }
    }
}
