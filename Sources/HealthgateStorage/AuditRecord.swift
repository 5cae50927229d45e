import Foundation
import HealthgateModel

/// What the audit trail keeps about one request: who asked, through which route, for what purpose, about which holder
/// (by pseudonym), and what was answered.
///
/// There is deliberately no field for an ID number, a full name or a location: none can reach the trail through this
/// type. Free-text fields hold only what the gateway itself produces (certificate subject and fingerprint, role and
/// route words, a request id).
public struct AuditRecord: Hashable, Sendable {
    /// When the request was received. Stored to the millisecond.
    public var time: Date
    /// The request id the answer carries (`X-Request-Id`).
    public var requestID: String
    /// The caller's client certificate.
    public var caller: AuditCaller
    /// The caller's role (`checkpoint`, `transfer-agent`, `peer-gateway`, `ops`, `notifier:310000`, or `operator` for the CLI).
    public var role: String
    /// The route that handled the request: method and path template (`POST /v1/verify`) or a `cli:` command.
    public var route: String
    /// The purpose or scene (`transport`, `transfer`, …), when the request had one.
    public var purpose: String?
    /// The issuing region of the code concerned, when known.
    public var issuer: RegionCode?
    /// The holder's pseudonym, when known; never an ID number.
    public var holder: HolderPseudonym?
    /// What the caller was answered.
    public var outcome: AuditOutcome
    /// How many calls the gateway made to the issuer or a peer (0 for a cache hit or a refusal).
    public var upstreamAttempts: Int
    /// Time from receipt to the audit append. Stored to the microsecond.
    public var latency: Duration

    /// A record of one request.
    public init(time: Date, requestID: String, caller: AuditCaller, role: String, route: String, purpose: String? = nil,
                issuer: RegionCode? = nil, holder: HolderPseudonym? = nil, outcome: AuditOutcome,
                upstreamAttempts: Int = 0, latency: Duration = .zero) {
        self.time = time
        self.requestID = requestID
        self.caller = caller
        self.role = role
        self.route = route
        self.purpose = purpose
        self.issuer = issuer
        self.holder = holder
        self.outcome = outcome
        self.upstreamAttempts = upstreamAttempts
        self.latency = latency
    }
}

/// The caller as its client certificate names it.
public struct AuditCaller: Hashable, Codable, Sendable {
    /// The certificate's subject, as an RFC 4514 string.
    public var subject: String
    /// The SHA-256 fingerprint of the certificate's DER encoding, lower-case hex.
    public var fingerprint: String

    /// A caller with the given subject and fingerprint.
    public init(subject: String, fingerprint: String) {
        self.subject = subject
        self.fingerprint = fingerprint
    }
}

/// What a request was answered: a status with its freshness, a success without a status, or an error code.
public enum AuditOutcome: Hashable, Sendable {
    /// A verification result was answered.
    case verified(status: HealthStatus, freshness: Freshness, admits: Bool)
    /// The request succeeded without a status to report (a notification acknowledged, a history listed).
    case completed
    /// The request was refused or failed with this machine code (`forbidden`, `code-malformed`, `issuer-unavailable`…).
    case failed(code: String)

    /// The outcome of answering `result`.
    public init(result: VerificationResult) {
        self = .verified(status: result.status, freshness: result.freshness, admits: result.admits)
    }

    /// The outcome of answering with `error`.
    public static func failed(_ code: HealthgateError.Code) -> AuditOutcome { .failed(code: code.rawValue) }

    /// The stored word: `verified`, `completed` or `failed`.
    public var kind: String {
        switch self {
        case .verified: "verified"
        case .completed: "completed"
        case .failed: "failed"
        }
    }
}
