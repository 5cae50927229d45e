import HealthgateModel
import Logging
import ServiceLifecycle

/// A long-running service that deletes transfers past the store's retention every `interval`.
public struct TransferPurger: Service {
    private let store: TransferStore
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger

    /// A purger of `store` every `interval` (default 1 hour), judging age by `clock`.
    public init(store: TransferStore, interval: Duration = .seconds(3600), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "healthgate.storage.transfer-purger")) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Purges, then sleeps, until cancelled or asked to shut down gracefully.
    public func run() async throws {
        let (store, interval, clock, logger) = (self.store, self.interval, self.clock, self.logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do throws(StorageError) {
                    let removed = try await store.purgeExpired(now: clock.now())
                    if removed > 0 { logger.debug("purged expired transfers", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("transfer purge failed", metadata: ["code": "\(error.code.rawValue)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
