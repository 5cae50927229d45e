import Foundation
import HealthgateModel

/// One audit record, as the core and the server fill it in: who asked what, and what was answered. Never an ID number,
/// a name or a location.
public struct AuditEntry: Sendable, Hashable {
    public var time: Date
    /// The caller's certificate subject (RFC 4514), or `-` when there was none.
    public var callerSubject: String
    /// The caller's certificate SHA-256 fingerprint, or `-`.
    public var callerFingerprint: String
    /// The role the request was served under (`checkpoint`), or `-` when none matched.
    public var role: String
    /// The route (`POST /v1/verify`).
    public var route: String
    /// The scene, `transfer`, `notification`, … .
    public var purpose: String?
    public var issuer: RegionCode?
    public var holder: HolderPseudonym?
    public var status: HealthStatus?
    public var freshness: Freshness?
    /// The machine error code answered, when an error was.
    public var errorCode: String?
    /// The HTTP status answered.
    public var httpStatus: Int
    /// How many times the issuer was called.
    public var upstreamAttempts: Int
    /// Milliseconds from request to answer.
    public var latencyMilliseconds: Int

    public init(time: Date, callerSubject: String, callerFingerprint: String, role: String, route: String,
                purpose: String? = nil, issuer: RegionCode? = nil, holder: HolderPseudonym? = nil,
                status: HealthStatus? = nil, freshness: Freshness? = nil, errorCode: String? = nil,
                httpStatus: Int, upstreamAttempts: Int = 0, latencyMilliseconds: Int = 0) {
        self.time = time
        self.callerSubject = callerSubject
        self.callerFingerprint = callerFingerprint
        self.role = role
        self.route = route
        self.purpose = purpose
        self.issuer = issuer
        self.holder = holder
        self.status = status
        self.freshness = freshness
        self.errorCode = errorCode
        self.httpStatus = httpStatus
        self.upstreamAttempts = upstreamAttempts
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// The audit trail as the gateway writes it: `record` returns once the entry is committed, and throws when it cannot
/// be (the answer must then not leave: `audit-unavailable`).
public protocol AuditRecording: Sendable {
    func record(_ entry: AuditEntry) async throws
}
