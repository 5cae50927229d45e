import Foundation
import HealthgateConfig
import HealthgateCore
import HealthgateModel

/// Assembles `OpsStatus` from the running gateway: the configuration in force, each city's breaker and recent
/// activity, the audit head and the reload history.
public struct OpsStatusSource: Sendable {
    let configuration: ConfigStore
    let verification: VerificationService
    let activity: CityActivity
    let reloads: ReloadHistory
    let auditHead: @Sendable () async -> AuditHeadStatus?

    public init(configuration: ConfigStore, verification: VerificationService, activity: CityActivity,
                reloads: ReloadHistory, auditHead: @escaping @Sendable () async -> AuditHeadStatus?) {
        self.configuration = configuration
        self.verification = verification
        self.activity = activity
        self.reloads = reloads
        self.auditHead = auditHead
    }

    /// The status at `now`.
    public func status(now: Date = Date()) async -> OpsStatus {
        let config = configuration.current
        let iso = { (date: Date) in ChinaTime.formatISO(date) }
        let cities = config.cities.map { city -> OpsStatus.City in
            let summary = activity.summary(city.name, now: now)
            let expiry = config.certificateMaterial.filter { $0.owner == city.name }.map(\.notValidAfter).min()
            return OpsStatus.City(
                name: city.name, region: city.region.rawValue, kind: city.kind.rawValue, baseURL: city.baseURL,
                qrPrefix: city.qrPrefix, certificateExpires: expiry.map(iso),
                certificateDaysLeft: expiry.map { Int(($0.timeIntervalSince(now) / 86400).rounded(.down)) },
                breaker: Self.word(verification.breaker(forCity: city.name).gauge),
                lastSuccess: summary.lastSuccess.map(iso), lastFailure: summary.lastFailure.map(iso),
                lastFailureReason: summary.lastFailureReason, calls5m: summary.calls, failures5m: summary.failures,
                errorRate5m: summary.errorRate, p50Ms: summary.p50Milliseconds, p99Ms: summary.p99Milliseconds,
                cacheLookups5m: summary.cacheLookups, cacheHitRatio5m: summary.cacheHitRatio)
        }
        let audit = await auditHead().map { head in
            OpsStatus.Audit(
                sequence: head.sequence, lastSignedSequence: head.lastSignedSequence,
                lastSignedAt: head.lastSignedAt.map(iso),
                lastSignedAgeSeconds: head.lastSignedAt.map { Int(now.timeIntervalSince($0).rounded(.down)) },
                witnessFile: head.witnessPath, witnessFileExists: head.witnessExists)
        }
        return OpsStatus(
            now: iso(now), home: config.home.rawValue, cities: cities, audit: audit,
            configuration: OpsStatus.Configuration(path: config.sourcePath, sha256: config.sha256,
                                                   loadedAt: iso(config.loadedFrom),
                                                   warnings: config.warnings.map(\.description)),
            reloads: reloads.all.map { OpsStatus.Reload(time: iso($0.time), outcome: $0.outcome, notes: $0.notes) })
    }

    /// The breaker's state as the page shows it, from its gauge value (0 closed, 1 open, 2 half-open).
    static func word(_ gauge: Int) -> String {
        switch gauge {
        case 1: "open"
        case 2: "half-open"
        default: "closed"
        }
    }
}
