import Foundation

extension Explanation {
    /// What a traveller is told when the home city registered their arrival with a colour less severe than the
    /// origin's (`policy-conflict`): the transfer is not done, both colours, and whom to ask in the home city.
    /// `status`, `reasons` and `observationEnds` are the home city's.
    public static func transferConflict(home: IssuingCity, homeStatus: HealthStatus, homeReasons: [Reason],
                                        homeObservationEnds: LocalDate?, origin: IssuingCity,
                                        originStatus: HealthStatus, language: ExplanationLanguage, now: Date)
        -> Explanation {
        let words = language.words
        let text = ExplanationWords.fill(words.conflict, [
            "home": home.name(in: language), "homeStatus": words.inlineWord(for: homeStatus),
            "origin": origin.name(in: language), "originStatus": words.inlineWord(for: originStatus),
        ])
        let whatNext = ExplanationWords.fill(words.conflictWhatNext, [
            "city": home.name(in: language), "contact": words.contact(home.support),
        ])
        return Explanation(
            lang: language, text: text, status: words.word(for: homeStatus),
            reasons: homeReasons.filter { $0.code != .none }.map { words.word(for: $0) },
            observationEnds: homeObservationEnds.map { words.date($0, thisYear: LocalDate(containing: now).year) },
            whatNext: whatNext)
    }
}
