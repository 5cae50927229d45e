import HealthgateConfig
import HealthgateModel
import Logging

/// Applies "holder changed" events (a city's notification, a peer's status event): every cached entry of the holder is
/// dropped, and the announced status kept as the holder's newest notice, before the event is acknowledged.
public struct InvalidationService: Sendable {
    let cache: any VerificationCaching
    let configuration: ConfigStore
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger

    public init(cache: any VerificationCaching, configuration: ConfigStore, clock: any WallClock = SystemWallClock(),
                metrics: GatewayMetrics = GatewayMetrics(),
                logger: Logger = Logger(label: "healthgate.invalidate")) {
        self.cache = cache
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Drops the holder's entries; throws `internal-error` when the cache cannot (the sender then retries).
    @discardableResult
    public func apply(_ event: HolderChangedEvent, source: String) async throws(HealthgateError) -> Int {
        do {
            let dropped = try await cache.invalidate(
                issuer: event.issuer,
                holder: configuration.current.pseudonymKey.pseudonym(issuer: event.issuer, holderRef: event.holderRef),
                status: event.status, changedAt: event.at, now: clock.now())
            metrics.invalidation(source: source)
            // Which city said what, never whom: the holder stays out of the log.
            logger.info("status change received; cached answers dropped", metadata: [
                "source": "\(source)", "issuer": "\(event.issuer)", "status": "\(event.status?.rawValue ?? "-")",
                "dropped": "\(dropped)",
            ])
            return dropped
        } catch {
            logger.error("invalidation failed", metadata: ["issuer": "\(event.issuer)"])
            throw HealthgateError(.internalError, "the cache could not be invalidated")
        }
    }
}
