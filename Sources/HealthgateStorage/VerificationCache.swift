import Crypto
import Foundation
import HealthgateModel
import Synchronization

/// The verification cache: canonical results the issuer gave for one code (and scene), with per-city freshness
/// budgets, a bounded stale window, and invalidation of every entry of a holder at once.
///
/// **The rule.** An entry answers only a lookup for the same `CacheKey`: the same issuer, the same code as the
/// issuer's adapter keys it (the exact code the issuer accepted, or a holder id whose signature the gateway checked),
/// and the same scene where the issuer decides per scene. It is never answered at or past the code's own validity
/// (`validUntil`, required to store), past its retention, or after a notice about its holder newer than its `asOf`.
///
/// **What is stored.** The `VerificationResult` (JSON; it names the holder by pseudonym only), its `asOf`, the code's
/// validity, and the holder pseudonym as the invalidation key. The key is stored only as a SHA-256 digest; no native
/// holder reference, no code and no ID number is stored.
///
/// **Invalidation and notices.** `invalidate(issuer:holder:status:changedAt:now:)` deletes every entry of the holder,
/// remembers the instant, and keeps the announced status as the holder's newest notice, in one transaction committed
/// with `synchronous=FULL` before it returns: no lookup after it returns can see the old entries, even after a crash.
/// A `store` of an answer the core asked for *before* that instant (`askedAt`) is refused, so a green fetched just
/// before a "turned red" notification cannot re-enter the cache after it. `notice(issuer:holder:)` answers the newest
/// notice (kept `noticeMemory`), which bounds every degraded answer.
///
/// **Errors are never cached:** `store` takes only a `VerificationResult`.
///
/// **Two tiers.** Every entry lives in memory (`HotCacheEntries`: decoded results, bounded) and in SQLite. Lookups are
/// answered from memory alone, once the entries a previous process stored have been loaded (the first lookup loads
/// them; until then it reads SQLite). A `store(durably: false)` inserts in memory at once and writes SQLite behind,
/// batched, so that a verify never waits for a cache write; invalidations are durable before they return.
/// Put the cache in its own database file: its writes then never take turns with the audit's commits.
///
/// SQLite work runs on its own connections and queues (WAL readers never wait for writers).
public final class VerificationCache: Sendable {
    /// The database the cache lives in (tables `cache_entries`, `cache_invalidations`).
    public let database: StorageDatabase
    /// How long an invalidation is remembered against late `store`s: longer than any issuer call can take.
    public let invalidationMemory: Duration
    /// How long a holder's newest notice is kept: longer than any code a degraded answer could be given for stays
    /// valid (a Suishenma token: one hour) and than any stale limit a deployment should configure.
    public let noticeMemory: Duration
    let writer: SQLiteQueue
    let reader: SQLiteQueue

    /// Where the memory tier stands: its entries, and whether the stored entries were loaded into it.
    struct HotState {
        var entries: HotCacheEntries
        var loadStarted = false
        var loaded = false
    }
    let hot: Mutex<HotState>
    /// Entries stored in memory and not yet written to SQLite, and whether a flush is scheduled.
    let behind = Mutex<(writes: [PendingWrite], scheduled: Bool)>(([], false))

    /// One entry waiting for its SQLite write.
    struct PendingWrite: Sendable {
        var issuer: String
        var digest: [UInt8]
        var holder: String
        var encoded: [UInt8]
        var asOfMs: Int64
        var validUntilMs: Int64
        var expiresMs: Int64
        var askedAtMs: Int64
    }

    /// A cache on `database`, holding at most `memoryCapacity` entries in memory. Opens no connection yet.
    public init(database: StorageDatabase, invalidationMemory: Duration = .seconds(600),
                noticeMemory: Duration = .seconds(86_400), memoryCapacity: Int = 50_000) {
        self.database = database
        self.invalidationMemory = invalidationMemory
        self.noticeMemory = noticeMemory
        self.hot = Mutex(HotState(entries: HotCacheEntries(capacity: memoryCapacity)))
        self.writer = database.makeQueue(label: "healthgate.cache.writer", synchronous: .normal)
        self.reader = database.makeQueue(label: "healthgate.cache.reader", synchronous: .normal)
    }

    /// Writes what is still behind, then closes the cache's connections.
    public func close() async {
        await flushBehind()
        await writer.close()
        await reader.close()
    }

    /// Looks up the entry for `key`, judged at `now` under `policy`. `codeValidUntil` is the presented code's own
    /// validity when it is known locally; the entry is never answered at or past it, nor past its own.
    public func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy)
        async throws(StorageError) -> CacheLookup
    {
        let digest = key.digest
        let nowMs = AuditRow.milliseconds(now)
        let budgetMs = policy.freshnessBudget.milliseconds
        let retentionMs = max(budgetMs, policy.staleLimit.milliseconds)
        let codeValidUntilMs = codeValidUntil.map(AuditRow.milliseconds)
        let (found, loaded, startLoad) = hot.withLock { state -> (HotCacheEntries.Entry?, Bool, Bool) in
            let found = state.entries.lookup(digest, issuer: key.issuer, codeValidUntilMs: codeValidUntilMs, nowMs: nowMs,
                                             retentionMs: retentionMs)
            let start = !state.loadStarted
            state.loadStarted = true
            return (found, state.loaded, start)
        }
        if startLoad { await loadStored(nowMs: nowMs) }
        if let found {
            return found.asOfMs + budgetMs >= nowMs ? .fresh(found.result.with(freshness: .cached))
                : .stale(found.result.with(freshness: .stale))
        }
        if loaded { return .miss }
        return try await durableLookup(key, digest: digest, codeValidUntil: codeValidUntil, now: now, policy: policy)
    }

    /// Loads the unexpired stored entries into memory (once, at the first lookup); entries stored in memory since are
    /// newer and kept.
    private func loadStored(nowMs: Int64) async {
        let rows = try? await reader.run { (db) throws(StorageError) -> [([UInt8], HotCacheEntries.Entry)] in
            try db.withStatement("""
                SELECT key, holder, result, as_of_ms, valid_until_ms, expires_ms FROM cache_entries
                WHERE expires_ms > ?1 AND valid_until_ms IS NOT NULL
                """) { (s) throws(StorageError) -> [([UInt8], HotCacheEntries.Entry)] in
                try s.bind(nowMs, at: 1)
                var rows: [([UInt8], HotCacheEntries.Entry)] = []
                while try s.step() {
                    guard let result = try? JSONDecoder().decode(VerificationResult.self, from: Data(s.blob(2) ?? []))
                    else { continue }
                    rows.append((s.blob(0) ?? [], HotCacheEntries.Entry(
                        result: result, holder: s.text(1) ?? "", asOfMs: s.int64(3), validUntilMs: s.int64(4),
                        expiresMs: s.int64(5))))
                }
                return rows
            }
        }
        hot.withLock { state in
            for (digest, entry) in rows ?? [] where state.entries.entries[digest] == nil {
                // The stored row survived every invalidation SQLite saw; memory's own are checked at lookup.
                _ = state.entries.insert(entry, digest: digest, askedAtMs: entry.asOfMs, nowMs: nowMs)
            }
            state.loaded = rows != nil
            if rows == nil { state.loadStarted = false }  // try again at the next lookup
        }
    }

    /// The lookup in SQLite, before the stored entries are in memory.
    private func durableLookup(_ key: CacheKey, digest: [UInt8], codeValidUntil: Date?, now: Date, policy: CachePolicy)
        async throws(StorageError) -> CacheLookup
    {
        let issuer = key.issuer.rawValue
        let nowMs = AuditRow.milliseconds(now)
        let budgetMs = policy.freshnessBudget.milliseconds
        let staleMs = policy.staleLimit.milliseconds
        let found = try await reader.run { (db) throws(StorageError) -> (result: [UInt8], asOf: Int64, validUntil: Int64)? in
            // An entry whose holder was invalidated at or after its asOf is never answered, whatever the purge did.
            try db.withStatement("""
                SELECT e.result, e.as_of_ms, e.valid_until_ms FROM cache_entries e
                WHERE e.issuer = ?1 AND e.key = ?2 AND e.valid_until_ms IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM cache_invalidations i
                                  WHERE i.issuer = e.issuer AND i.holder = e.holder AND i.at_ms >= e.as_of_ms)
                """) { (s) throws(StorageError) -> (result: [UInt8], asOf: Int64, validUntil: Int64)? in
                try s.bind(issuer, at: 1)
                try s.bind(digest, at: 2)
                guard try s.step() else { return nil }
                return (s.blob(0) ?? [], s.int64(1), s.int64(2))
            }
        }
        guard let found else { return .miss }
        if nowMs >= found.validUntil { return .miss }
        if let codeValidUntil, nowMs >= AuditRow.milliseconds(codeValidUntil) { return .miss }
        let age = nowMs - found.asOf
        guard age >= 0, age <= max(budgetMs, staleMs) else { return .miss }
        guard let result = try? JSONDecoder().decode(VerificationResult.self, from: Data(found.result)) else {
            throw StorageError(.encoding, "a cached result could not be decoded")
        }
        guard result.issuer == key.issuer else { return .miss }
        if age <= budgetMs { return .fresh(result.with(freshness: .cached)) }
        return .stale(result.with(freshness: .stale))
    }

    /// Stores a live result for `key`; returns `false` when it was not stored.
    ///
    /// - Parameters:
    ///   - validUntil: the last instant the code itself is valid (from the code, or from the issuer's answer); the
    ///     entry is never answered at or past it. A code whose validity nobody told is not cached.
    ///   - askedAt: when the core started asking the issuer. If the holder was invalidated at or after it, the result
    ///     may predate the change and is not stored.
    ///   - policy: the city's policy; the entry is purged at `min(asOf + max(budget, staleLimit), validUntil)`.
    ///   - durably: `true` waits for the SQLite write; `false` returns once the entry is in memory and writes SQLite
    ///     behind (a verify never waits for a cache write).
    @discardableResult
    public func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
                      policy: CachePolicy, durably: Bool = true) async throws(StorageError) -> Bool {
        guard result.issuer == key.issuer, result.freshness == .live else { return false }
        let digest = key.digest
        let asOfMs = AuditRow.milliseconds(result.asOf)
        let validUntilMs = AuditRow.milliseconds(validUntil)
        let expiresMs = min(asOfMs + policy.retention.milliseconds, validUntilMs)
        guard expiresMs > asOfMs else { return false }
        let askedAtMs = AuditRow.milliseconds(askedAt)
        let encoded = result.jsonBytes()
        let issuer = result.issuer.rawValue
        let holder = result.holder.rawValue
        let entry = HotCacheEntries.Entry(result: result, holder: holder, asOfMs: asOfMs, validUntilMs: validUntilMs,
                                          expiresMs: expiresMs)
        let inMemory = hot.withLock { state in
            state.entries.insert(entry, digest: digest, askedAtMs: askedAtMs, nowMs: asOfMs)
        }
        guard inMemory else { return false }
        let pending = PendingWrite(issuer: issuer, digest: digest, holder: holder, encoded: encoded, asOfMs: asOfMs,
                                   validUntilMs: validUntilMs, expiresMs: expiresMs, askedAtMs: askedAtMs)
        guard durably else {
            writeBehind(pending)
            return true
        }
        return try await writer.run { (db) throws(StorageError) -> Bool in
            try db.transaction { () throws(StorageError) -> Bool in try Self.write(pending, db: db) }
        }
    }

    /// Inserts one entry unless its holder was invalidated at or after the answer was asked for; call on the writer,
    /// inside a transaction.
    static func write(_ entry: PendingWrite, db: SQLiteConnection) throws(StorageError) -> Bool {
        let issuer = entry.issuer, holder = entry.holder, askedAtMs = entry.askedAtMs
                let invalidatedAt = try db.withStatement("SELECT at_ms FROM cache_invalidations WHERE issuer = ?1 AND holder = ?2") {
                    (s) throws(StorageError) -> Int64? in
                    try s.bind(issuer, at: 1)
                    try s.bind(holder, at: 2)
                    return try s.step() ? s.int64(0) : nil
                }
                if let invalidatedAt, invalidatedAt >= askedAtMs { return false }
                try db.withStatement("""
                    INSERT OR REPLACE INTO cache_entries (issuer, key, holder, result, as_of_ms, valid_until_ms, expires_ms)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """) { (s) throws(StorageError) in
                    try s.bind(issuer, at: 1)
                    try s.bind(entry.digest, at: 2)
                    try s.bind(holder, at: 3)
                    try s.bind(entry.encoded, at: 4)
                    try s.bind(entry.asOfMs, at: 5)
                    try s.bind(entry.validUntilMs, at: 6)
                    try s.bind(entry.expiresMs, at: 7)
                    try s.step()
                }
                return true
    }

    /// Queues an entry for SQLite; the first one schedules a flush shortly after, which writes the whole batch in one
    /// transaction.
    private func writeBehind(_ entry: PendingWrite) {
        let schedule = behind.withLock { state -> Bool in
            state.writes.append(entry)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        guard schedule else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(20))
            await self.flushBehind()
        }
    }

    /// Writes every queued entry in one transaction (each still checked against the invalidations).
    func flushBehind() async {
        let batch = behind.withLock { state -> [PendingWrite] in
            defer { state = ([], false) }
            return state.writes
        }
        guard !batch.isEmpty else { return }
        do {
            try await writer.run { (db) throws(StorageError) in
                try db.transaction { () throws(StorageError) in
                    for entry in batch { _ = try Self.write(entry, db: db) }
                }
            }
        } catch {
            // The entries stay in memory; only a restart's reload misses them.
        }
    }

    /// Drops every entry of `holder` (the pseudonym of the event's issuer and holder reference), refuses later stores
    /// of answers asked for before `now`, and keeps `status` as the holder's newest notice; returns the number of
    /// entries dropped. Durable (`synchronous=FULL`) on return.
    @discardableResult
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus? = nil,
                           changedAt: Date? = nil, now: Date) async throws(StorageError) -> Int {
        let nowMs = AuditRow.milliseconds(now)
        let changedMs = changedAt.map(AuditRow.milliseconds)
        let droppedInMemory = hot.withLock { $0.entries.invalidate(issuer: issuer, holder: holder.rawValue, atMs: nowMs) }
        return try await writer.run { (db) throws(StorageError) -> Int in
            try db.execute("PRAGMA synchronous = FULL")
            defer { try? db.execute("PRAGMA synchronous = NORMAL") }
            return try db.transaction { () throws(StorageError) -> Int in
                let removed = try db.withStatement("DELETE FROM cache_entries WHERE issuer = ?1 AND holder = ?2") {
                    (s) throws(StorageError) -> Int in
                    try s.bind(issuer.rawValue, at: 1)
                    try s.bind(holder.rawValue, at: 2)
                    try s.step()
                    return db.changes
                }
                try db.withStatement("""
                    INSERT INTO cache_invalidations (issuer, holder, at_ms) VALUES (?1, ?2, ?3)
                    ON CONFLICT (issuer, holder) DO UPDATE SET at_ms = max(at_ms, excluded.at_ms)
                    """) { (s) throws(StorageError) in
                    try s.bind(issuer.rawValue, at: 1)
                    try s.bind(holder.rawValue, at: 2)
                    try s.bind(nowMs, at: 3)
                    try s.step()
                }
                // The newest notice wins; one received at the same millisecond as a stored one replaces it.
                try db.withStatement("""
                    INSERT INTO holder_notices (issuer, holder, status, changed_ms, noticed_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT (issuer, holder) DO UPDATE SET status = excluded.status, changed_ms = excluded.changed_ms,
                        noticed_ms = excluded.noticed_ms
                    WHERE excluded.noticed_ms >= holder_notices.noticed_ms
                    """) { (s) throws(StorageError) in
                    try s.bind(issuer.rawValue, at: 1)
                    try s.bind(holder.rawValue, at: 2)
                    try s.bind(status?.rawValue, at: 3)
                    try s.bind(changedMs, at: 4)
                    try s.bind(nowMs, at: 5)
                    try s.step()
                }
                return max(removed, droppedInMemory)
            }
        }
    }

    /// The newest notice about `holder` of `issuer` within `noticeMemory`, if any.
    public func notice(issuer: RegionCode, holder: HolderPseudonym) async throws(StorageError) -> HolderNotice? {
        try await reader.run { (db) throws(StorageError) -> HolderNotice? in
            try db.withStatement("SELECT status, changed_ms, noticed_ms FROM holder_notices WHERE issuer = ?1 AND holder = ?2") {
                (s) throws(StorageError) -> HolderNotice? in
                try s.bind(issuer.rawValue, at: 1)
                try s.bind(holder.rawValue, at: 2)
                guard try s.step() else { return nil }
                return HolderNotice(status: s.text(0).flatMap(HealthStatus.init(rawValue:)),
                                    changedAt: s.optionalInt64(1).map(AuditRow.date(milliseconds:)),
                                    noticedAt: AuditRow.date(milliseconds: s.int64(2)))
            }
        }
    }

    /// Deletes every entry past its retention (`min(asOf + max(budget, staleLimit), validUntil)`), every
    /// invalidation older than `invalidationMemory` and every notice older than `noticeMemory`; returns the number of entries deleted.
    @discardableResult
    public func purgeExpired(now: Date) async throws(StorageError) -> Int {
        let nowMs = AuditRow.milliseconds(now)
        let forgetBeforeMs = nowMs - invalidationMemory.milliseconds
        let noticeMemory = self.noticeMemory.milliseconds
        hot.withLock { $0.entries.purge(nowMs: nowMs, forgetBeforeMs: forgetBeforeMs) }
        await flushBehind()
        return try await writer.run { (db) throws(StorageError) -> Int in
            try db.transaction { () throws(StorageError) -> Int in
                let removed = try db.withStatement("DELETE FROM cache_entries WHERE expires_ms <= ?1") { (s) throws(StorageError) -> Int in
                    try s.bind(nowMs, at: 1)
                    try s.step()
                    return db.changes
                }
                try db.withStatement("DELETE FROM cache_invalidations WHERE at_ms < ?1") { (s) throws(StorageError) in
                    try s.bind(forgetBeforeMs, at: 1)
                    try s.step()
                }
                try db.withStatement("DELETE FROM holder_notices WHERE noticed_ms < ?1") { (s) throws(StorageError) in
                    try s.bind(nowMs - noticeMemory, at: 1)
                    try s.step()
                }
                return removed
            }
        }
    }

    /// The number of entries in memory (tests, metrics).
    public var memoryCount: Int { hot.withLock { $0.entries.entries.count } }

    /// The number of entries stored (tests, metrics).
    public func count() async throws(StorageError) -> Int {
        try await reader.run { (db) throws(StorageError) -> Int in
            Int(try db.scalarInt("SELECT COUNT(*) FROM cache_entries") ?? 0)
        }
    }
}
