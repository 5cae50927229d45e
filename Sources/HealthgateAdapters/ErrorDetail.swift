/// Makes a word taken from a city's answer safe to put in an error detail: no personal data, no markup, bounded.
enum ErrorDetail {
    /// The word itself when it is at most 40 bytes of ASCII letters, digits, `_-/.;=` and space with no run of 15 or
    /// more digits (an ID or card number); `(unreadable)` otherwise. Never a filtered fragment of something else.
    static func word(_ text: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/.;= ".utf8)
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40, bytes.allSatisfy(allowed.contains) else { return "(unreadable)" }
        var digitRun = 0
        for byte in bytes {
            digitRun = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? digitRun + 1 : 0
            if digitRun >= 15 { return "(unreadable)" }
        }
        return text
    }
}
