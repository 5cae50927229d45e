import HealthgateModel
import Logging
import ServiceLifecycle

/// A long-running service that purges expired cache entries every `interval`, so the cache holds no row past its stale
/// limit (nor past the code's validity) for longer than that.
public struct CachePurger: Service {
    private let cache: VerificationCache
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger

    /// A purger of `cache` every `interval` (default 5 s), judging expiry by `clock`.
    public init(cache: VerificationCache, interval: Duration = .seconds(5), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "healthgate.storage.cache-purger")) {
        self.cache = cache
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Purges, then sleeps, until cancelled or asked to shut down gracefully.
    public func run() async throws {
        let (cache, interval, clock, logger) = (self.cache, self.interval, self.clock, self.logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do throws(StorageError) {
                    let removed = try await cache.purgeExpired(now: clock.now())
                    if removed > 0 { logger.debug("purged expired cache entries", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("cache purge failed", metadata: ["code": "\(error.code.rawValue)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
