import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import Logging
import ServiceLifecycle

/// Refreshes the key set of every city whose adapter keeps one (Shanghai's signing keys) through the transport,
/// periodically (each city's
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

    /// Fetches the key set of one city whose adapter keeps one (`CityAdapter.keySetRefresh`) and puts it in use.
    @discardableResult
    public static func refresh(city: CityConfiguration, keys: any KeySetRefreshing, configuration: GatewayConfiguration,
                               transport: any CityTransport, clock: any WallClock, timeout: Duration? = nil)
        async throws(HealthgateError) -> Int {
        let request = keys.keysRequest(caller: configuration.home, requestID: UUID())
        let response = try await transport.send(request, to: city, timeout: timeout ?? city.deadline)
        return try keys.useKeys(from: response, at: clock.now())
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { try await refreshLoop() }
    }

    /// Refreshes every city whose interval passed, then sleeps; ends on cancellation (graceful shutdown).
    func refreshLoop() async throws {
        var lastRefresh: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            let config = configuration.current
            for city in config.cities {
                guard let keys = adapters.adapter(for: city.region)?.keySetRefresh else { continue }
                if let last = lastRefresh[city.name], ContinuousClock.now - last < city.keyRefreshInterval { continue }
                lastRefresh[city.name] = .now
                do {
                    let count = try await Self.refresh(city: city, keys: keys, configuration: config,
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
