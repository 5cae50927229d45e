/// A language an explanation is written in: simplified Chinese (the default, for the guard at the barrier) or English.
///
/// Choosing one from a request's `Accept-Language` is the server's job; this type only names the two the word table
/// (`ExplanationWords`) holds.
public enum ExplanationLanguage: String, CaseIterable, Codable, Sendable {
    /// 简体中文, the language every explanation is in unless another is asked for.
    case chinese = "zh-CN"
    /// English.
    case english = "en"

    /// The language used when a caller asks for none, or only for languages the table does not hold.
    public static let fallback: ExplanationLanguage = .chinese

    /// This language's words (`ExplanationWords.chinese`, `.english`).
    public var words: ExplanationWords {
        switch self {
        case .chinese: .chinese
        case .english: .english
        }
    }
}
