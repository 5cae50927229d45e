import Foundation
import HealthgateModel
import HealthgateStorage
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Holder invalidations shared by every replica of a city through PostgreSQL.
///
/// `publish` commits the invalidation (a row in `holder_invalidations`, the holder's newest notice in
/// `holder_notices`) and `pg_notify` in one transaction, with `synchronous_commit = on`: once it returns, every
/// replica will learn of it. As a `Service`, it runs the connection pool and a listener on its own connection that
/// `LISTEN`s and hands each invalidation to `apply` (the replica's own cache). When that connection is down, or has not
/// been heard from within `Options.staleAfter`, `trustsCache` is false until it has reconnected and read back every
/// invalidation it may have missed: callers then serve no cached answer.
public final class SharedInvalidations: Service, Sendable {
    /// Timing of the listener.
    public struct Options: Sendable {
        /// How often the listener asks the database for its clock, to notice a dead connection.
        public var heartbeat: Duration = .milliseconds(500)
        /// How long without an answer on the listening connection before the cache is no longer trusted.
        public var staleAfter: Duration = .seconds(2)
        /// The pause before reconnecting.
        public var reconnectDelay: Duration = .milliseconds(200)
        /// How far before the last answer heard a catch-up reads back (covers transactions that began before the
        /// connection was lost and committed after).
        public var catchUpMargin: Duration = .seconds(60)
        /// How far back the first catch-up reads (the cache file may hold entries from before this process started):
        /// at least the longest time an entry may live.
        public var firstCatchUp: Duration = .seconds(86_400)
        /// How long invalidations are kept in `holder_invalidations` (the listener deletes older ones each time it has
        /// caught up): longer than `firstCatchUp`, so that every catch-up finds what it must read back.
        public var retention: Duration = .seconds(2 * 86_400)
        /// The deadline of a publish or a notice read.
        public var deadline: Duration = .seconds(5)
        /// Called before each reconnection (tests hold a replica blind with it).
        public var beforeReconnect: @Sendable () async -> Void = {}

        public init() {}
    }

    /// The channel every replica listens on.
    public static let channel = "healthgate_invalidations"

    public let settings: PostgresSettings
    public let options: Options
    let client: PostgresClient
    /// Whether `run` runs the pool too (a store made from settings alone owns its pool).
    let runsPool: Bool
    let apply: @Sendable (HolderInvalidation) async throws -> Void
    let logger: Logger
    let state = Mutex(ListenerState())
    /// The listener's current connection, so that `cutListener` can close it.
    let listening = Mutex<PostgresConnection?>(nil)
    let connectionIDs = Atomic<Int>(1)

    /// A store over `settings`; `apply` drops a holder's entries from this replica's cache. Call `migrate` before
    /// `run`.
    public init(settings: PostgresSettings, options: Options = Options(), logger: Logger = Logger(label: "healthgate.postgres"),
                apply: @escaping @Sendable (HolderInvalidation) async throws -> Void) {
        self.settings = settings
        self.options = options
        self.logger = logger
        self.apply = apply
        self.client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
        self.runsPool = true
    }

    /// A store on `database`'s pool (which the replica's service group runs); `apply` drops a holder's entries from
    /// this replica's cache.
    public init(database: PostgresDatabase, options: Options = Options(),
                apply: @escaping @Sendable (HolderInvalidation) async throws -> Void) {
        self.settings = database.settings
        self.options = options
        self.logger = database.logger
        self.apply = apply
        self.client = database.client
        self.runsPool = false
    }

    /// Creates the shared tables if missing (`PostgresDatabase.migrate`).
    public static func migrate(_ settings: PostgresSettings, logger: Logger = Logger(label: "healthgate.postgres"))
        async throws(PostgresStoreError) {
        try await PostgresDatabase.migrate(settings, logger: logger)
    }

    /// Runs the listener (and the pool, when this store owns it) until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if self.runsPool { group.addTask { await self.client.run() } }
                group.addTask { await self.listen() }
            }
        }
    }

    /// Whether cached answers may be served now: the listener is up, caught up and heard from recently.
    public var trustsCache: Bool {
        let now = ContinuousClock.now
        return state.withLock { $0.trusts(now: now, staleAfter: options.staleAfter) }
    }

    /// How many times the listener has connected and caught up (tests wait on it).
    public var catchUps: Int { state.withLock { $0.catchUps } }

    /// What readiness must report: empty while the cache can be trusted.
    public func problems() -> [String] {
        trustsCache ? [] : ["postgres: the invalidation listener is not connected and caught up"]
    }

    /// Commits `invalidation` with its notice and notification; returns once PostgreSQL has committed it.
    public func publish(_ invalidation: HolderInvalidation) async throws(PostgresStoreError) {
        let client = self.client
        let logger = self.logger
        let replicaId = settings.replicaId
        do {
            try await withDeadline(options.deadline, "publishing an invalidation") {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SET LOCAL synchronous_commit = on", logger: logger)
                    let issuer = invalidation.issuer.rawValue
                    let holder = invalidation.holder.rawValue
                    let status = invalidation.status?.rawValue
                    let changedMs = invalidation.changedAt.map(HolderInvalidation.milliseconds)
                    try await connection.query("""
                        INSERT INTO holder_invalidations (issuer, holder, status, changed_ms, replica_id)
                        VALUES (\(issuer), \(holder), \(status), \(changedMs), \(replicaId))
                        """, logger: logger)
                    try await connection.query("""
                        INSERT INTO holder_notices (issuer, holder, status, changed_ms, noticed_ms)
                        VALUES (\(issuer), \(holder), \(status), \(changedMs),
                                (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                        ON CONFLICT (issuer, holder) DO UPDATE SET status = excluded.status,
                            changed_ms = excluded.changed_ms, noticed_ms = excluded.noticed_ms
                        WHERE excluded.noticed_ms >= holder_notices.noticed_ms
                        """, logger: logger)
                    try await connection.query("SELECT pg_notify(\(Self.channel), \(invalidation.payload))",
                                               logger: logger)
                }
            }
        } catch {
            logger.error("invalidation not committed to the shared database",
                         metadata: ["issuer": "\(invalidation.issuer)"])
            throw PostgresStoreError(.unavailable, "the invalidation could not be committed to the shared database")
        }
    }

    /// The holder's newest notice as any replica recorded it.
    public func notice(issuer: RegionCode, holder: HolderPseudonym) async throws(PostgresStoreError) -> HolderNotice? {
        let client = self.client
        let logger = self.logger
        do {
            return try await withDeadline(options.deadline, "reading a holder notice") {
                let rows = try await client.query("""
                    SELECT status, changed_ms, noticed_ms FROM holder_notices
                    WHERE issuer = \(issuer.rawValue) AND holder = \(holder.rawValue)
                    """, logger: logger)
                for try await (status, changedMs, noticedMs) in rows.decode((String?, Int64?, Int64).self) {
                    return HolderNotice(status: status.flatMap(HealthStatus.init(rawValue:)),
                                        changedAt: changedMs.map(HolderInvalidation.date(milliseconds:)),
                                        noticedAt: HolderInvalidation.date(milliseconds: noticedMs))
                }
                return nil
            }
        } catch {
            throw PostgresStoreError(.unavailable, "the shared holder notices could not be read")
        }
    }

    /// Deletes invalidations recorded more than `age` ago (notices stay: each holder's newest one is its row);
    /// returns how many.
    @discardableResult
    public func prune(olderThan age: Duration) async throws(PostgresStoreError) -> Int {
        let client = self.client
        let logger = self.logger
        let ageMs = age.milliseconds
        do {
            return try await withDeadline(options.deadline, "pruning invalidations") {
                let rows = try await client.query("""
                    WITH deleted AS (DELETE FROM holder_invalidations
                        WHERE recorded_ms < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - \(ageMs)
                        RETURNING 1)
                    SELECT count(*)::bigint FROM deleted
                    """, logger: logger)
                for try await count in rows.decode(Int64.self) { return Int(count) }
                return 0
            }
        } catch {
            throw PostgresStoreError(.unavailable, "old invalidations could not be pruned")
        }
    }

    /// How many invalidations the shared log holds (tests, operators).
    public func invalidationCount() async throws(PostgresStoreError) -> Int {
        let client = self.client
        let logger = self.logger
        do {
            return try await withDeadline(options.deadline, "counting invalidations") {
                let rows = try await client.query("SELECT count(*)::bigint FROM holder_invalidations", logger: logger)
                for try await count in rows.decode(Int64.self) { return Int(count) }
                return 0
            }
        } catch {
            throw PostgresStoreError(.unavailable, "the invalidations could not be counted")
        }
    }

    /// Closes the listening connection as a network cut would (tests).
    public func cutListener() async {
        let connection = listening.withLock { $0 }
        try? await connection?.close()
    }
}
