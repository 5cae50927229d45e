import HealthgateModel
@testable import HealthgateServer
import Testing

/// Choosing the explanation's language from `Accept-Language`.
@Suite("Accept-Language")
struct AcceptLanguageTests {
    @Test("en-US is English; zh, * and unknown languages are zh-CN; none is zh-CN", arguments: [
        ("en-US", ExplanationLanguage.english), ("en", .english), ("EN-gb", .english), ("zh", .chinese),
        ("zh-CN", .chinese), ("zh-Hant-TW", .chinese), ("*", .chinese), ("fr", .chinese), ("fr-FR, de;q=0.9", .chinese),
        ("", .chinese), (";;;,,", .chinese), ("english", .chinese),
    ])
    func single(header: String, expected: ExplanationLanguage) {
        #expect(AcceptLanguage.negotiate(header) == expected)
    }

    @Test("no header: zh-CN")
    func absent() {
        #expect(AcceptLanguage.negotiate(nil) == .chinese)
    }

    @Test("weights decide, the first wins a tie, q=0 refuses", arguments: [
        ("fr, en;q=0.5", ExplanationLanguage.english), ("zh;q=0.4, en;q=0.8", .english), ("en;q=0.8, zh", .chinese),
        ("en, zh", .english), ("zh, en", .chinese), ("en;q=0", .chinese), ("zh;q=0, *", .english),
        ("zh;q=0", .english), ("en-US,en;q=0.9,zh-CN;q=0.8", .english), ("zh-CN,zh;q=0.9,en;q=0.8", .chinese),
        ("en;q=2", .chinese), ("en;q=abc", .chinese), ("en ; q=0.3 , fr", .english),
    ])
    func weighted(header: String, expected: ExplanationLanguage) {
        #expect(AcceptLanguage.negotiate(header) == expected)
    }

    @Test("a header longer than the limit is read up to it")
    func long() {
        let header = String(repeating: "fr;q=0.5, ", count: 200) + "en"
        #expect(AcceptLanguage.negotiate(header) == .chinese)
        #expect(AcceptLanguage.negotiate("en, " + String(repeating: "x", count: 5000)) == .english)
    }
}
