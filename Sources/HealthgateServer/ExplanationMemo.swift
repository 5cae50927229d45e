import Foundation
import HealthgateModel
import Synchronization

/// Explanations of `live` and `cached` results, remembered by what they depend on (status, reasons, last day,
/// freshness, issuing city, language, the current year): a checkpoint line scanning the same kinds of codes gets them
/// without rebuilding the sentences. Stale and signature-only explanations name an age and are always built anew.
final class ExplanationMemo: Sendable {
    /// At most this many explanations; past it the memo starts over.
    static let capacity = 1024

    struct Key: Hashable {
        var status: HealthStatus
        var reasons: [Reason]
        var observationEnds: LocalDate?
        var freshness: Freshness
        var issuer: IssuingCity
        var language: ExplanationLanguage
        var year: Int
    }

    private let entries = Mutex<[Key: Explanation]>([:])

    /// The explanation of `result` at `now`.
    func explanation(of result: VerificationResult, issuer: IssuingCity, language: ExplanationLanguage, now: Date)
        -> Explanation
    {
        guard result.freshness == .live || result.freshness == .cached else {
            return Explanation(result, issuer: issuer, language: language, now: now)
        }
        let key = Key(status: result.status, reasons: result.reasons, observationEnds: result.observationEnds,
                      freshness: result.freshness, issuer: issuer, language: language,
                      year: LocalDate(containing: now).year)
        if let known = entries.withLock({ $0[key] }) { return known }
        let made = Explanation(result, issuer: issuer, language: language, now: now)
        entries.withLock { map in
            if map.count >= Self.capacity { map.removeAll(keepingCapacity: true) }
            map[key] = made
        }
        return made
    }
}
