import Foundation
import HealthgateModel
import HealthgatePostgres
import HealthgateStorage

/// The verification cache as the core flow sees it (the SQLite `VerificationCache`, or none): keyed by `CacheKey`
/// (issuer, the code as its adapter keys it, the scene where the issuer decides per scene), invalidated by holder
/// pseudonym, with each holder's newest notice; never stores errors.
public protocol VerificationCaching: Sendable {
    /// The entry for `key` judged at `now` under the city's `policy`: fresh, stale, or a miss; never past
    /// `codeValidUntil`.
    func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy) async throws -> CacheLookup
    /// Stores a live result; refused (`false`) when the holder was invalidated after `askedAt`. With `durably: false`
    /// it returns once a lookup can find the entry, without waiting for the durable write.
    @discardableResult
    func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
               policy: CachePolicy, durably: Bool) async throws -> Bool
    /// Drops every entry of a holder and keeps the announced status as its newest notice; returns how many entries.
    @discardableResult
    func invalidate(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus?, changedAt: Date?,
                    now: Date) async throws -> Int
    /// The holder's newest notice, if one is remembered.
    func notice(issuer: RegionCode, holder: HolderPseudonym) async throws -> HolderNotice?
}

extension VerificationCache: VerificationCaching {}

/// No cache at all: every verify asks the issuer, and no notice is remembered.
public struct NoCache: VerificationCaching {
    public init() {}
    public func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy) async throws -> CacheLookup {
        .miss
    }
    public func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
                      policy: CachePolicy, durably: Bool) async throws -> Bool { false }
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus?, changedAt: Date?,
                           now: Date) async throws -> Int { 0 }
    public func notice(issuer: RegionCode, holder: HolderPseudonym) async throws -> HolderNotice? { nil }
}

/// Replicas on a shared PostgreSQL: this replica's cache, invalidated across replicas (`storage: postgres`).
extension ReplicatedVerificationCache: VerificationCaching {}
