import Foundation
import HealthgateModel
import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateStorage
import Synchronization

/// One replica as the tests see it: its own SQLite cache file, the shared invalidations on the test server, and the
/// cache the gateway would use; `run()` starts its listener and pool.
final class TestReplica: Sendable {
    let name: String
    let local: VerificationCache
    let shared: SharedInvalidations
    let cache: ReplicatedVerificationCache
    let database: StorageDatabase
    let task = Mutex<Task<Void, Never>?>(nil)

    init(name: String, server: PostgresTestServer, folder: URL, unixSocket: Bool = false) async throws {
        self.name = name
        database = try await StorageDatabase.open(path: folder.appendingPathComponent("\(name)-cache.sqlite").path)
        let local = VerificationCache(database: database)
        self.local = local
        var options = SharedInvalidations.Options()
        options.reconnectDelay = .milliseconds(50)
        let box = HoldBox()
        options.beforeReconnect = { await box.wait() }
        let settings = server.settings(replicaId: name, unixSocket: unixSocket)
        try await SharedInvalidations.migrate(settings)
        shared = SharedInvalidations(settings: settings, options: options,
                                     apply: ReplicatedVerificationCache.applier(to: local))
        cache = ReplicatedVerificationCache(local: local, shared: shared)
        holdBox = box
    }

    /// Closed, the listener waits before reconnecting (holding the replica blind).
    let holdBox: HoldBox

    /// Starts the pool and listener, and waits until the cache is trusted.
    func start() async throws {
        let shared = self.shared
        task.withLock { $0 = Task { try? await shared.run() } }
        try await waitUntil("\(name) caught up") { shared.trustsCache }
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        await running?.value
        await local.close()
        await database.close()
    }
}

/// A gate the listener passes before reconnecting: closed, it waits until opened again.
final class HoldBox: Sendable {
    let closed = Atomic<Bool>(false)

    func hold() { closed.store(true, ordering: .releasing) }
    func release() { closed.store(false, ordering: .releasing) }

    func wait() async {
        while closed.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(10)) }
    }
}

/// Polls `condition` every millisecond for up to `limit`; throws when it never holds.
func waitUntil(_ what: String, limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    throw PostgresTestServerError(message: "timed out waiting until \(what)")
}

/// Test fixtures: pseudonyms and results that look like the gateway's.
enum Fixture {
    static let pseudonymKey = PseudonymKey(bytes: [UInt8](repeating: 7, count: 32))!
    static let policy = CachePolicy(freshnessBudget: .seconds(300), staleLimit: .seconds(600))

    static func holder(_ ref: String) -> HolderPseudonym { pseudonymKey.pseudonym(issuer: .hangzhou, holderRef: ref) }

    static func key(_ code: String) -> CacheKey { CacheKey(issuer: .hangzhou, code: code, scene: "transport") }

    static func result(holder: HolderPseudonym, status: HealthStatus = .green, asOf: Date) -> VerificationResult {
        VerificationResult(issuer: .hangzhou, holder: holder, status: status, reasons: Reason.absent(for: status),
                           statusSince: asOf.addingTimeInterval(-86400), observationEnds: nil, maskedName: "刘*",
                           asOf: asOf, freshness: .live)
    }

    /// Stores a green answer for `holder` under `code` in `cache`, asked now.
    static func storeGreen(_ cache: ReplicatedVerificationCache, holder: HolderPseudonym, code: String) async throws {
        let now = Date()
        try await cache.store(result(holder: holder, asOf: now), key: key(code), validUntil: now.addingTimeInterval(600),
                              askedAt: now, policy: policy, durably: true)
    }

    /// Whether `cache` answers `code` from its cache now.
    static func serves(_ cache: ReplicatedVerificationCache, code: String) async throws -> Bool {
        try await cache.lookup(key(code), codeValidUntil: nil, now: Date(), policy: policy) != .miss
    }
}
