import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import Logging
import ServiceLifecycle

/// Refreshes every Shanghai city's signing keys through the transport, periodically (each city's
/// `keyRefreshSeconds`); unknown-`kid` refreshes go through `VerificationService` at most once a minute.
public struct KeySetRefresher: Service {
    let configuration: ConfigStore
    let adapters: AdapterRegistry
    let transport: any CityTransport
    let clock: any WallClock
    let logger: Logger

    public init(configuration: ConfigStore, adapters: AdapterRegistry, transport: any CityTransport,
                clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "healthgate.keys")) {
        self.configuration = configuration
        self.adapters = adapters
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// Fetches `GET /sssm/v1/keys` for one city and puts the set in use.
    @discardableResult
    public static func refresh(city: CityConfiguration, store: ShanghaiKeyStore, configuration: GatewayConfiguration,
                               transport: any CityTransport, clock: any WallClock, timeout: Duration? = nil)
        async throws(HealthgateError) -> Int {
        let adapter = ShanghaiAdapter(keys: store)
        let request = adapter.keysRequest(caller: configuration.home, requestID: UUID())
        let response = try await transport.send(request, to: city, timeout: timeout ?? city.deadline)
        let keys = try adapter.parseKeysResponse(response)
        store.replace(with: keys, at: clock.now())
        return keys.keys.count
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { try await refreshLoop() }
    }

    /// Refreshes every city whose interval passed, then sleeps; ends on cancellation (graceful shutdown).
    func refreshLoop() async throws {
        var lastRefresh: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            let config = configuration.current
            for city in config.cities where city.kind == .shanghai {
                if let last = lastRefresh[city.name], ContinuousClock.now - last < city.keyRefreshInterval { continue }
                guard let store = adapters.keyStore(for: city.region) else { continue }
                lastRefresh[city.name] = .now
                do {
                    let count = try await Self.refresh(city: city, store: store, configuration: config,
                                                       transport: transport, clock: clock)
                    logger.info("key set refreshed", metadata: ["city": "\(city.name)", "keys": "\(count)"])
                } catch {
                    logger.warning("key set refresh failed; keeping the keys in use",
                                   metadata: ["city": "\(city.name)", "error": "\(error.code)"])
                }
            }
            try await Task.sleep(for: .seconds(5))
        }
    }
}
