import Foundation
import HealthgateConfig
import HealthgateModel
import HealthgateStorage

/// A verification cache that tells `CityActivity` whether each lookup was a fresh hit, by the issuer's configured
/// name, and otherwise is `base`.
public struct ObservedCache: VerificationCaching {
    let base: any VerificationCaching
    let activity: CityActivity
    let configuration: ConfigStore

    public init(_ base: any VerificationCaching, activity: CityActivity, configuration: ConfigStore) {
        self.base = base
        self.activity = activity
        self.configuration = configuration
    }

    public func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy) async throws -> CacheLookup {
        let result = try await base.lookup(key, codeValidUntil: codeValidUntil, now: now, policy: policy)
        let name = configuration.current.city(region: key.issuer)?.name ?? key.issuer.rawValue
        if case .fresh = result { activity.lookup(name, hit: true) } else { activity.lookup(name, hit: false) }
        return result
    }

    @discardableResult
    public func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
                      policy: CachePolicy, durably: Bool) async throws -> Bool {
        try await base.store(result, key: key, validUntil: validUntil, askedAt: askedAt, policy: policy,
                             durably: durably)
    }

    @discardableResult
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus?, changedAt: Date?,
                           now: Date) async throws -> Int {
        try await base.invalidate(issuer: issuer, holder: holder, status: status, changedAt: changedAt, now: now)
    }

    public func notice(issuer: RegionCode, holder: HolderPseudonym) async throws -> HolderNotice? {
        try await base.notice(issuer: issuer, holder: holder)
    }
}
