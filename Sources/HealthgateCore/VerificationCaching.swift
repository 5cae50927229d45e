import Foundation
import HealthgateModel
import HealthgateStorage

/// The verification cache as the core flow sees it (the SQLite `VerificationCache`, or a stand-in in tests): keyed by
/// issuer + the adapter's holder key, invalidated by holder pseudonym; never stores errors.
public protocol VerificationCaching: Sendable {
    /// The entry of this code's holder judged at `now` under the city's `policy`: fresh, stale, or a miss.
    func lookup(issuer: RegionCode, holderKey: String, now: Date, policy: CachePolicy) async throws -> CacheLookup
    /// Stores a live result; refused (`false`) when the holder was invalidated after `askedAt`.
    @discardableResult
    func store(_ result: VerificationResult, holderKey: String, validUntil: Date?, askedAt: Date,
               policy: CachePolicy) async throws -> Bool
    /// Drops every entry of a holder; returns how many.
    @discardableResult
    func invalidate(issuer: RegionCode, holder: HolderPseudonym, now: Date) async throws -> Int
}

extension VerificationCache: VerificationCaching {}

/// No cache at all: every verify asks the issuer.
public struct NoCache: VerificationCaching {
    public init() {}
    public func lookup(issuer: RegionCode, holderKey: String, now: Date, policy: CachePolicy) async throws -> CacheLookup {
        .miss
    }
    public func store(_ result: VerificationResult, holderKey: String, validUntil: Date?, askedAt: Date,
                      policy: CachePolicy) async throws -> Bool { false }
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, now: Date) async throws -> Int { 0 }
}
