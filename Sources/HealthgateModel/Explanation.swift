import Foundation

/// What a traveller is told about an answer, in one language, for a guard to read aloud: `text` (the whole sentence,
/// with how fresh the answer is when it is not), `status` and `reasons` in words, `observationEnds` (the last day,
/// inclusive, in the language's own date form) and `whatNext` (what the traveller can do, and whom to ask).
///
/// Every word comes from `ExplanationWords`. An explanation names the issuing city and, when configured, its
/// health-code service; it never names the holder (not even masked) nor any ID number.
public struct Explanation: Hashable, Codable, Sendable {
    /// The language of every string below.
    public var lang: ExplanationLanguage
    /// The whole explanation in one or two sentences: `黄码：近14天有重点地区旅居史，观察期至12月9日（含）。`
    public var text: String
    /// The status in words (`黄码`, `Yellow`).
    public var status: String
    /// Each reason in words; `none` says nothing.
    public var reasons: [String]
    /// The last day of observation (inclusive) in words (`12月9日`, `9 December`), or `nil`.
    public var observationEnds: String?
    /// What the traveller can do next, naming the issuing city's health-code service when one is configured.
    public var whatNext: String

    /// An explanation of these words, as rendered elsewhere (or decoded).
    public init(lang: ExplanationLanguage, text: String, status: String, reasons: [String], observationEnds: String?,
                whatNext: String) {
        self.lang = lang
        self.text = text
        self.status = status
        self.reasons = reasons
        self.observationEnds = observationEnds
        self.whatNext = whatNext
    }

    /// The explanation of `result` (issued by `issuer`) in `language`, at `now` (which dates the age of a stale or
    /// signature-only answer and decides whether a date needs its year).
    public init(_ result: VerificationResult, issuer: IssuingCity, language: ExplanationLanguage, now: Date) {
        self.init(status: result.status, reasons: result.reasons, observationEnds: result.observationEnds,
                  freshness: result.freshness, asOf: result.asOf, issuer: issuer, language: language, now: now)
    }

    /// The explanation of a status with its reasons and last day, as vouched for by `issuer` at `asOf` with
    /// `freshness`, in `language`, at `now`.
    public init(status: HealthStatus, reasons: [Reason], observationEnds: LocalDate?, freshness: Freshness, asOf: Date,
                issuer: IssuingCity, language: ExplanationLanguage, now: Date) {
        let words = language.words
        let city = issuer.name(in: language)
        let reasonWords = reasons.filter { $0.code != .none }.map { words.word(for: $0) }
        let endWords = observationEnds.map { words.date($0, thisYear: LocalDate(containing: now).year) }

        var details: [String] = []
        switch status {
        case .pending: details.append(ExplanationWords.fill(words.pendingDetail, ["city": city]))
        case .unknown: details.append(ExplanationWords.fill(words.unknownDetail, ["city": city]))
        case .green, .yellow, .red: break
        }
        details += reasonWords
        if details.isEmpty {
            details.append(status == .green ? words.reasons[.none]! : ExplanationWords.fill(words.noReason, ["city": city]))
        }
        var detail = details.joined(separator: words.reasonSeparator)
        if let endWords { detail += ExplanationWords.fill(words.observation, ["date": endWords]) }
        let sentence = ExplanationWords.fill(words.sentence, ["status": words.word(for: status), "detail": detail])

        let age = words.age(seconds: now.timeIntervalSince(asOf))
        let note: String? = switch freshness {
        case .live, .cached: nil
        case .stale: ExplanationWords.fill(words.stale, ["city": city, "age": age])
        case .signatureOnly: ExplanationWords.fill(words.signatureOnly, ["city": city, "age": age])
        }

        self.init(lang: language,
                  text: [note, sentence].compactMap { $0 }.joined(separator: words.sentenceSeparator),
                  status: words.word(for: status), reasons: reasonWords, observationEnds: endWords,
                  whatNext: Self.whatNext(status: status, freshness: freshness, issuer: issuer, words: words))
    }

    /// What a traveller can do: nothing for a fresh green; scan again once the issuer answers for a degraded green;
    /// wait (`pending`) or apply (`unknown`), then scan again; and for every answer that refuses, whom to ask.
    static func whatNext(status: HealthStatus, freshness: Freshness, issuer: IssuingCity, words: ExplanationWords)
        -> String {
        let city = issuer.name(in: words.language)
        let contact = ["city": city, "contact": words.contact(issuer.support)]
        let sentences: [String] = switch status {
        case .green:
            [freshness.admitsByDefault ? words.nothingToDo : ExplanationWords.fill(words.scanWhenReachable, ["city": city])]
        case .yellow, .red:
            [ExplanationWords.fill(words.contest, contact)]
        case .pending:
            [ExplanationWords.fill(words.waitAndScan, ["city": city]), ExplanationWords.fill(words.ask, contact)]
        case .unknown:
            [ExplanationWords.fill(words.applyAndScan, ["city": city]), ExplanationWords.fill(words.ask, contact)]
        }
        return sentences.joined(separator: words.sentenceSeparator)
    }

    private enum CodingKeys: String, CodingKey { case lang, text, status, reasons, observationEnds, whatNext }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lang, forKey: .lang)
        try container.encode(text, forKey: .text)
        try container.encode(status, forKey: .status)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(observationEnds, forKey: .observationEnds)  // explicit null: "no last day"
        try container.encode(whatNext, forKey: .whatNext)
    }
}
