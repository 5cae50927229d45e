import Foundation
import HealthgateModel

/// One transfer as the gateway recorded it (`TransferStore`): what the origin city said, what the home city decided,
/// the outcome, the sentence the traveller was told, and the exact answer body the gateway gave.
///
/// Holds no ID number, no full name and no location: holders are named by pseudonym, the request's content only by
/// `fingerprint` (a keyed digest the core computes), and `answer` is the gateway's JSON answer, which names the holder
/// by pseudonym and masked name only.
public struct StoredTransfer: Hashable, Sendable {
    /// The outcome word of a completed transfer.
    public static let done = "done"

    /// The caller's request id, the idempotency key.
    public var requestID: UUID
    /// When the gateway recorded the transfer.
    public var created: Date
    /// The keyed digest of the request's content (ID number, name, QR), lower-case hex; equal for a faithful repeat.
    public var fingerprint: String
    /// The city that issued the origin code.
    public var originIssuer: RegionCode
    /// The origin's pseudonym for the holder.
    public var originHolder: HolderPseudonym
    /// The origin's live status.
    public var originStatus: HealthStatus
    /// The origin's reasons: canonical code and the issuer's own code.
    public var originReasons: [Reason]
    /// The origin's last day of observation, if any.
    public var originObservationEnds: LocalDate?
    /// When the origin vouched for its status.
    public var originAsOf: Date
    /// The home city's pseudonym for its new holder reference.
    public var homeHolder: HolderPseudonym?
    /// The status the home city registered.
    public var homeStatus: HealthStatus?
    /// The home city's reasons (canonical, plus the home city's own code).
    public var homeReasons: [Reason]
    /// The home city's last day of observation, if any.
    public var homeObservationEnds: LocalDate?
    /// `done`, `policy-conflict`, or the error code of another failure that reached the home city.
    public var outcome: String
    /// What the traveller is told, in one sentence.
    public var explanation: String
    /// The JSON body the gateway answered the first request with, byte for byte.
    public var answer: [UInt8]

    public init(requestID: UUID, created: Date, fingerprint: String, originIssuer: RegionCode,
                originHolder: HolderPseudonym, originStatus: HealthStatus, originReasons: [Reason],
                originObservationEnds: LocalDate?, originAsOf: Date, homeHolder: HolderPseudonym?,
                homeStatus: HealthStatus?, homeReasons: [Reason], homeObservationEnds: LocalDate?, outcome: String,
                explanation: String, answer: [UInt8]) {
        self.requestID = requestID
        self.created = created
        self.fingerprint = fingerprint
        self.originIssuer = originIssuer
        self.originHolder = originHolder
        self.originStatus = originStatus
        self.originReasons = originReasons
        self.originObservationEnds = originObservationEnds
        self.originAsOf = originAsOf
        self.homeHolder = homeHolder
        self.homeStatus = homeStatus
        self.homeReasons = homeReasons
        self.homeObservationEnds = homeObservationEnds
        self.outcome = outcome
        self.explanation = explanation
        self.answer = answer
    }
}
