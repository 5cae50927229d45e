import Foundation
import HealthgateAdapters
import HealthgateModel

/// A cached issuer answer: the canonical result as received (freshness `live`) and when it was stored.
public struct CachedVerification: Sendable {
    public var result: VerificationResult
    /// The issuer's holder reference, the key of invalidation.
    public var holderRef: String
    /// When the answer was received.
    public var storedAt: Date

    public init(result: VerificationResult, holderRef: String, storedAt: Date) {
        self.result = result
        self.holderRef = holderRef
        self.storedAt = storedAt
    }
}

/// The verification cache as the core flow sees it: keyed by issuer + the adapter's holder key; never stores errors.
public protocol VerificationCaching: Sendable {
    /// The entry for this code's holder, whatever its age (the flow decides `cached`/`stale`), or `nil`.
    func lookup(issuer: RegionCode, holderKey: String, now: Date) async throws -> CachedVerification?
    /// Stores a live answer until `expiresAt` (never past the code's own validity).
    func store(_ verification: NativeVerification, code: RecognisedCode, storedAt: Date, expiresAt: Date) async throws
    /// Drops every entry of a holder; returns how many.
    @discardableResult
    func invalidate(issuer: RegionCode, holderRef: String) async throws -> Int
}

/// No cache at all: every verify asks the issuer.
public struct NoCache: VerificationCaching {
    public init() {}
    public func lookup(issuer: RegionCode, holderKey: String, now: Date) async throws -> CachedVerification? { nil }
    public func store(_ verification: NativeVerification, code: RecognisedCode, storedAt: Date, expiresAt: Date) async throws {}
    public func invalidate(issuer: RegionCode, holderRef: String) async throws -> Int { 0 }
}
