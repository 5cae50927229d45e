import Foundation
import HealthgateModel
import HealthgateStorage

/// A replica's verification cache when replicas share PostgreSQL: this replica's own `VerificationCache`, whose
/// invalidations are first committed to the shared database (so every replica drops the holder's entries), and which
/// serves no cached answer while `SharedInvalidations` cannot vouch that it has heard every invalidation.
public struct ReplicatedVerificationCache: Sendable {
    public let local: VerificationCache
    public let shared: SharedInvalidations

    public init(local: VerificationCache, shared: SharedInvalidations) {
        self.local = local
        self.shared = shared
    }

    /// The local entry for `key`, or a miss while the listener is down or catching up.
    public func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy) async throws -> CacheLookup {
        guard shared.trustsCache else { return .miss }
        return try await local.lookup(key, codeValidUntil: codeValidUntil, now: now, policy: policy)
    }

    /// Stores in this replica's cache only; an invalidation missed meanwhile is read back on catch-up and drops it.
    @discardableResult
    public func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
                      policy: CachePolicy, durably: Bool) async throws -> Bool {
        try await local.store(result, key: key, validUntil: validUntil, askedAt: askedAt, policy: policy,
                              durably: durably)
    }

    /// Commits the invalidation to the shared database (throws when it cannot, so the sender retries), then drops the
    /// holder's entries here; the other replicas drop theirs on its notification.
    @discardableResult
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus?, changedAt: Date?,
                           now: Date) async throws -> Int {
        try await shared.publish(HolderInvalidation(issuer: issuer, holder: holder, status: status, changedAt: changedAt))
        return try await local.invalidate(issuer: issuer, holder: holder, status: status, changedAt: changedAt, now: now)
    }

    /// The newest notice any replica recorded for the holder.
    public func notice(issuer: RegionCode, holder: HolderPseudonym) async throws -> HolderNotice? {
        let sharedNotice = try await shared.notice(issuer: issuer, holder: holder)
        let localNotice = try await local.notice(issuer: issuer, holder: holder)
        return [sharedNotice, localNotice].compactMap { $0 }.max { $0.noticedAt < $1.noticedAt }
    }

    /// The `apply` for a `SharedInvalidations` over `local`: drops the holder's entries as of the moment it is applied.
    public static func applier(to local: VerificationCache) -> @Sendable (HolderInvalidation) async throws -> Void {
        { invalidation in
            _ = try await local.invalidate(issuer: invalidation.issuer, holder: invalidation.holder,
                                       status: invalidation.status, changedAt: invalidation.changedAt, now: Date())
        }
    }
}
