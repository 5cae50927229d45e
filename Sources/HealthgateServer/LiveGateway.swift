import Foundation
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgatePostgres
import HealthgateStorage
import HealthgateTransport
import Logging
import ServiceLifecycle

/// The production wiring: the SQLite database (migrated before anything serves), its audit trail, cache and transfer
/// records, the libcurl transport, and the gateway over them. With `storage: postgres`, the audit trail (this
/// replica's chain), the transfer records and the cache's invalidations live in the shared PostgreSQL database, whose
/// tables are created before serving; the cache itself stays this replica's own.
public struct LiveGateway: Sendable {
    public let server: GatewayServer
    public let database: StorageDatabase
    /// The cache's own database file (`cacheDatabasePath(for:)`), so that its writes never take turns with the audit.
    public let cacheDatabase: StorageDatabase
    /// This gateway's audit chain: the SQLite `AuditLog`, or this replica's chain in PostgreSQL.
    public let audit: any AuditTrail & AuditRecording
    public let cache: VerificationCache
    /// The transfer records: the SQLite `TransferStore`, or the shared `PostgresTransferStore`.
    public let transfers: any TransferRecording
    public let client: CurlHTTPClient
    /// The shared database's pool (`storage: postgres`), or `nil` (SQLite alone).
    public let postgres: PostgresDatabase?
    /// The invalidations shared with the other replicas (`storage: postgres`), or `nil` (SQLite alone).
    public let shared: SharedInvalidations?
    let closeStores: @Sendable () async -> Void

    /// Opens and migrates the database, starts the curl client, and composes the gateway.
    public static func make(configuration: ConfigStore, identities: any IdentitySource = TLSPeerIdentitySource(),
                            clock: any WallClock = SystemWallClock(), loader: ConfigLoader = ConfigLoader(),
                            logger: Logger = Logger(label: "healthgate")) async throws -> LiveGateway {
        let config = configuration.current
        let database = try await StorageDatabase.open(path: config.databasePath)
        let signer = try AuditSigner(pemFile: config.audit.signingKeyPath)
        let sealing = AuditSealingPolicy(everyRecords: config.audit.signEveryRecords, interval: config.audit.signEvery)
        let witness = AuditHeadWitness(path: config.audit.headsPath)
        let cacheDatabase = try await StorageDatabase.open(path: Self.cacheDatabasePath(for: config.databasePath))
        let cache = VerificationCache(database: cacheDatabase)
        var caching: any VerificationCaching = cache
        var services: [any Service] = []
        let audit: any AuditTrail & AuditRecording
        let transfers: any TransferRecording
        let purger: TransferPurger
        var shared: SharedInvalidations?
        var postgres: PostgresDatabase?
        let closeStores: @Sendable () async -> Void
        if case .postgres(let configured) = config.storage {
            let settings = try Self.postgresSettings(configured)
            try await PostgresDatabase.migrate(settings, logger: logger)
            let pool = PostgresDatabase(settings: settings, logger: logger)
            let feed = SharedInvalidations(database: pool, apply: ReplicatedVerificationCache.applier(to: cache))
            caching = ReplicatedVerificationCache(local: cache, shared: feed)
            // A commit that takes longer than the request deadline is refused: the answer was promised by then.
            let trail = PostgresAuditLog(database: pool, signer: signer, sealing: sealing, witness: witness,
                                         commitDeadline: min(.seconds(5), config.listen.requestDeadline))
            let store = PostgresTransferStore(database: pool)
            audit = trail
            transfers = store
            purger = TransferPurger(clock: clock, logger: logger) { (now) throws(StorageError) in
                try await store.purgeExpired(now: now)
            }
            services = [pool, feed]
            shared = feed
            postgres = pool
            closeStores = { await trail.close() }
        } else {
            let log = AuditLog(database: database, signer: signer, sealing: sealing, witness: witness)
            let store = TransferStore(database: database)
            audit = log
            transfers = store
            purger = TransferPurger(store: store, clock: clock, logger: logger)
            closeStores = {
                await log.close()
                await store.close()
            }
        }
        let client = try CurlHTTPClient(configuration: Self.transportLimits(config), logger: logger)
        let path = config.databasePath
        let activity = CityActivity()
        let headsPath = config.audit.headsPath
        let dependencies = GatewayDependencies(
            transport: ObservedCityTransport(CurlCityTransport(client: client, logger: logger), activity: activity),
            cache: ObservedCache(caching, activity: activity, configuration: configuration), audit: audit,
            transferRecords: transfers,
            storageProblems: { [shared] in Self.storageProblems(path: path) + (shared?.problems() ?? []) },
            services: services + [
                AuditSealer(audit: audit, logger: logger), CachePurger(cache: cache, clock: clock, logger: logger),
                purger],
            activity: activity,
            auditHead: { await AuditHeadStatus.read(audit, witnessPath: headsPath) })
        let server = try GatewayServer(configuration: configuration, dependencies: dependencies, identities: identities,
                                       clock: clock, loader: loader, logger: logger)
        return LiveGateway(server: server, database: database, cacheDatabase: cacheDatabase, audit: audit, cache: cache,
                           transfers: transfers, client: client, postgres: postgres, shared: shared,
                           closeStores: closeStores)
    }

    /// The PostgreSQL connection settings of `configuration`, with the password read from its file or variable.
    public static func postgresSettings(_ configuration: PostgresConfiguration) throws(PostgresStoreError) -> PostgresSettings {
        let endpoint: PostgresSettings.Endpoint
        switch configuration.endpoint {
        case .tcp(let host, let port): endpoint = .tcp(host: host, port: port)
        case .unixSocket(let path): endpoint = .unixSocket(path: path)
        }
        var password: String?
        switch configuration.password {
        case .none:
            password = nil
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PostgresStoreError(.settings, "storage.passwordFile could not be read")
            }
            password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw PostgresStoreError(.settings, "storage.passwordEnv names an unset variable")
            }
            password = value
        }
        return PostgresSettings(endpoint: endpoint, database: configuration.database, user: configuration.user,
                                password: password, caBundlePath: configuration.caBundlePath,
                                poolSize: configuration.poolSize, replicaId: configuration.replicaId)
    }

    /// libcurl's pool limits for `config`: per host the largest `cities.*.maxConnections` (a change needs a restart),
    /// and an idle cache that keeps every one of them open for reuse.
    static func transportLimits(_ config: GatewayConfiguration) -> CurlHTTPClient.Configuration {
        let perHost = config.cities.map(\.maxConnections).max() ?? CityConfiguration.defaultMaxConnections
        let total = config.cities.map(\.maxConnections).reduce(0, +) + 16
        return CurlHTTPClient.Configuration(maxConnectionsPerHost: perHost, maxTotalConnections: total,
                                            connectionCacheSize: total)
    }

    /// The cache's database beside the main one: `healthgate.sqlite` → `healthgate-cache.sqlite`. It holds cached
    /// answers (pseudonyms, never codes or ID numbers), invalidations and holder notices; deleting it loses only those.
    public static func cacheDatabasePath(for databasePath: String) -> String {
        databasePath.hasSuffix(".sqlite") ? String(databasePath.dropLast(7)) + "-cache.sqlite" : databasePath + "-cache"
    }

    /// Whether the database file and its folder can be written.
    static func storageProblems(path: String) -> [String] {
        var problems: [String] = []
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.isWritableFile(atPath: folder) { problems.append("database: folder not writable") }
        if FileManager.default.fileExists(atPath: path), !FileManager.default.isWritableFile(atPath: path) {
            problems.append("database: file not writable")
        }
        return problems
    }

    /// Closes the storage and stops the curl thread (after the services have stopped). The write-ahead log is
    /// checkpointed into the database file and truncated once the other connections are closed, so that a copy of the
    /// `.sqlite` file alone is complete; returns whether that checkpoint completed.
    @discardableResult
    public func close() async -> Bool {
        await closeStores()
        await cache.close()
        let checkpointed = (try? await database.checkpoint()) ?? false
        await database.close()
        await cacheDatabase.close()
        client.shutdown()
        return checkpointed
    }
}
