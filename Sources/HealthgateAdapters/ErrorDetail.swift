/// Makes a word taken from a city's answer safe to put in an error detail: no personal data, no markup, bounded.
enum ErrorDetail {
    /// ASCII letters, digits and `_-/.;=` and space only, at most 40 bytes; `(unreadable)` when nothing is left.
    static func word(_ text: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/.;= ".utf8)
        let kept = text.utf8.prefix(40).filter(allowed.contains)
        return kept.isEmpty ? "(unreadable)" : String(decoding: kept, as: UTF8.self)
    }
}
