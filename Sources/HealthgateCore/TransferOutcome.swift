import Foundation
import HealthgateAdapters
import HealthgateModel

/// A completed transfer: what the origin city said (live), and the status the home city registered, in canonical
/// terms, in the home city's own words, and in one sentence for the traveller.
public struct TransferOutcome: Sendable {
    /// The request id the arrival was registered under.
    public var requestID: UUID
    /// The origin city's live answer for the code (purpose `transfer`).
    public var origin: VerificationResult
    /// The home city's decision: issuer = the home city, holder = the pseudonym of its new holder reference,
    /// `asOf` = when the home city answered, freshness `live`. Its reasons are the origin's, in the home vocabulary.
    public var result: VerificationResult
    /// How each of the origin's reasons was expressed in the home city's vocabulary, with fallbacks marked lossy.
    public var translations: [TranslatedReason]
    /// The result in the home city's own words (Suishenma's numeric status, Beijing's 居家观察).
    public var local: LocalRendering
    /// Whether this answer repeats an earlier registration under the same request id (nothing was registered again).
    public var replayed: Bool

    public init(requestID: UUID, origin: VerificationResult, result: VerificationResult,
                translations: [TranslatedReason], local: LocalRendering, replayed: Bool = false) {
        self.requestID = requestID
        self.origin = origin
        self.result = result
        self.translations = translations
        self.local = local
        self.replayed = replayed
    }
}
