import Foundation
import HealthgateModel
import Logging
import ServiceLifecycle

/// A long-running service that deletes transfers past the store's retention every `interval`.
public struct TransferPurger: Service {
    private let purge: @Sendable (Date) async throws(StorageError) -> Int
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger

    /// A purger of `store` every `interval` (default 1 hour), judging age by `clock`.
    public init(store: TransferStore, interval: Duration = .seconds(3600), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "healthgate.storage.transfer-purger")) {
        self.init(interval: interval, clock: clock, logger: logger) { (now) throws(StorageError) in
            try await store.purgeExpired(now: now)
        }
    }

    /// A purger that calls `purge` (deleting what is older than the retention at the given time, returning how many)
    /// every `interval`: for a store other than SQLite's.
    public init(interval: Duration = .seconds(3600), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "healthgate.storage.transfer-purger"),
                purge: @escaping @Sendable (Date) async throws(StorageError) -> Int) {
        self.purge = purge
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Purges, then sleeps, until cancelled or asked to shut down gracefully.
    public func run() async throws {
        let (purge, interval, clock, logger) = (self.purge, self.interval, self.clock, self.logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do throws(StorageError) {
                    let removed = try await purge(clock.now())
                    if removed > 0 { logger.debug("purged expired transfers", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("transfer purge failed", metadata: ["code": "\(error.code.rawValue)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
