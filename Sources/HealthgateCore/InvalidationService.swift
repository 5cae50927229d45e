import HealthgateModel
import Logging

/// Applies "holder changed" events (a city's notification, a peer's status event): every cached entry of the holder is
/// dropped before the event is acknowledged.
public struct InvalidationService: Sendable {
    let cache: any VerificationCaching
    let metrics: GatewayMetrics
    let logger: Logger

    public init(cache: any VerificationCaching, metrics: GatewayMetrics = GatewayMetrics(),
                logger: Logger = Logger(label: "healthgate.invalidate")) {
        self.cache = cache
        self.metrics = metrics
        self.logger = logger
    }

    /// Drops the holder's entries; throws `internal-error` when the cache cannot (the sender then retries).
    @discardableResult
    public func apply(_ event: HolderChangedEvent, source: String) async throws(HealthgateError) -> Int {
        do {
            let dropped = try await cache.invalidate(issuer: event.issuer, holderRef: event.holderRef)
            metrics.invalidation(source: source)
            return dropped
        } catch {
            logger.error("invalidation failed", metadata: ["issuer": "\(event.issuer)"])
            throw HealthgateError(.internalError, "the cache could not be invalidated")
        }
    }
}
