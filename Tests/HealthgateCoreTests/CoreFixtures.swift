import Foundation
@testable import HealthgateConfig
import HealthgateModel

/// Configuration snapshots built in memory (no files are read) for the core's unit tests.
enum CoreFixtures {
    static let hangzhou = RegionCode(rawValue: "330100")!

    /// A Hangzhou city with a per-attempt deadline of `deadline`.
    static func city(deadline: Duration = .seconds(5), name: String = "hangzhou", region: RegionCode = hangzhou,
                     kind: AdapterKind = .hangzhou) -> CityConfiguration {
        CityConfiguration(
            name: name, region: region, kind: kind, baseURL: "https://127.0.0.1:1",
            clientCertificatePath: "/dev/null", clientKeyPath: "/dev/null", passphraseEnv: nil,
            caBundlePath: "/dev/null", pin: nil, connectTimeout: .seconds(1), deadline: deadline,
            maxResponseBytes: 1 << 20, freshness: .seconds(30), staleLimit: .zero, allowStaleAdmit: false,
            allowSignatureOnlyAdmit: false, keySetPath: nil, keyRefreshInterval: .seconds(3600))
    }

    /// A configuration of that one city, with the given resilience settings.
    static func configuration(city: CityConfiguration = city(), breakerFailures: Int = 3,
                              openFor: Duration = .seconds(30),
                              bulkhead: BulkheadConfiguration = .init(maxInFlight: 8, maxQueued: 24),
                              retryBudget: RetryBudgetConfiguration = .init()) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(
            sourcePath: "/dev/null", loadedFrom: Date(timeIntervalSince1970: 0), home: hangzhou,
            listen: ListenConfiguration(
                host: "127.0.0.1", port: 0, certificatePath: "/dev/null", keyPath: "/dev/null",
                keyPassphraseEnv: nil, clientCAPaths: [], bodyLimitBytes: 16_384, requestDeadline: .seconds(8),
                headerTimeout: .seconds(5)),
            identities: [], cities: [city], databasePath: "/dev/null",
            pseudonymKey: PseudonymKey(bytes: Data(repeating: 7, count: 32))!,
            audit: AuditConfiguration(signingKeyPath: "/dev/null", signEveryRecords: 1, signEvery: .seconds(1),
                                      headsPath: "/dev/null"),
            ops: OpsConfiguration(host: "127.0.0.1", port: 0),
            breaker: BreakerConfiguration(failures: breakerFailures, openFor: openFor),
            reloadInterval: .seconds(2), certificateMaterial: [])
        configuration.bulkhead = bulkhead
        configuration.retryBudget = retryBudget
        return configuration
    }
}
