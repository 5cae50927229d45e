import Foundation
import HealthgateModel

extension RecognisedCode {
    /// What a checkpoint would tell the traveller from this code alone (`healthgate inspect`, offline): its signed
    /// status as a signature-only answer, vouched for when the code was made (`issuedAt`), with no reasons beyond
    /// `Reason.absent(for:)`; `nil` for a code that carries no status of its own (Hangzhou, Beijing).
    public func ownExplanation(issuer: IssuingCity, language: ExplanationLanguage, now: Date) -> Explanation? {
        guard let signedStatus else { return nil }
        return Explanation(status: signedStatus, reasons: Reason.absent(for: signedStatus), observationEnds: nil,
                           freshness: .signatureOnly, asOf: issuedAt ?? now, issuer: issuer, language: language,
                           now: now)
    }
}
