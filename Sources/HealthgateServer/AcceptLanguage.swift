import Foundation
import HealthgateModel
import Hummingbird

/// Chooses the language of an explanation from a request's `Accept-Language` (RFC 9110 §12.5.4): the supported
/// language with the highest weight, the earlier one on a tie. `en` and every `en-*` mean English; `zh` and every
/// `zh-*` mean simplified Chinese (the only Chinese the table holds); `*`, a header that is absent or unreadable, and
/// one naming only languages the table does not hold mean the default, `zh-CN`. A weight of 0 refuses a language.
enum AcceptLanguage {
    /// The longest header read; the rest is ignored (no client needs more to name two languages).
    static let maxHeaderBytes = 1024

    /// The language to answer in for `header`.
    static func negotiate(_ header: String?) -> ExplanationLanguage {
        guard let header else { return .fallback }
        var best: (language: ExplanationLanguage?, weight: Double)?  // `nil` language: `*`
        var refused: Set<ExplanationLanguage> = []
        for member in header.utf8.prefix(maxHeaderBytes).split(separator: UInt8(ascii: ",")) {
            let parts = String(decoding: member, as: UTF8.self).split(separator: ";")
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased() else { continue }
            let language = language(of: tag)
            guard language != nil || tag == "*" else { continue }
            guard let weight = weight(parts.dropFirst()) else { continue }
            if weight <= 0 {
                if let language { refused.insert(language) }
            } else if weight > (best?.weight ?? 0) {
                best = (language, weight)
            }
        }
        if let best, let language = best.language { return language }
        // `*`, or nothing the table holds: the default, unless the caller refused it by name.
        let order = [ExplanationLanguage.fallback] + ExplanationLanguage.allCases.filter { $0 != .fallback }
        return order.first { !refused.contains($0) } ?? .fallback
    }

    /// The language a language range names: `en`/`en-*` English, `zh`/`zh-*` Chinese, else `nil`.
    static func language(of tag: String) -> ExplanationLanguage? {
        if tag == "en" || tag.hasPrefix("en-") { return .english }
        if tag == "zh" || tag.hasPrefix("zh-") { return .chinese }
        return nil
    }

    /// The weight the parameters give (`q=`, 0 to 1; 1 without one), or `nil` when a `q` is unreadable (the whole
    /// member is then ignored).
    static func weight(_ parameters: ArraySlice<String>) -> Double? {
        var weight = 1.0
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
            guard let value = Double(pair[1]), (0...1).contains(value) else { return nil }
            weight = value
        }
        return weight
    }

    /// Marks an answer whose explanation is in `language`: `Content-Language`, and `Vary: Accept-Language` for caches.
    static func mark(_ headers: inout HTTPFields, _ language: ExplanationLanguage) {
        headers[.contentLanguage] = language.rawValue
        headers[.vary] = "Accept-Language"
    }
}
