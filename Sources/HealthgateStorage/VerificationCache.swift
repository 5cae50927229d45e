import Crypto
import Foundation
import HealthgateModel

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
/// Lookups run on their own connection and queue (WAL readers never wait for writers); writes on another.
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

    /// A cache on `database`. Opens no connection yet.
    public init(database: StorageDatabase, invalidationMemory: Duration = .seconds(600),
                noticeMemory: Duration = .seconds(86_400)) {
        self.database = database
        self.invalidationMemory = invalidationMemory
        self.noticeMemory = noticeMemory
        self.writer = database.makeQueue(label: "healthgate.cache.writer", synchronous: .normal)
        self.reader = database.makeQueue(label: "healthgate.cache.reader", synchronous: .normal)
    }

    /// Closes the cache's connections.
    public func close() async {
        await writer.close()
        await reader.close()
    }

    /// Looks up the entry for `key`, judged at `now` under `policy`. `codeValidUntil` is the presented code's own
    /// validity when it is known locally; the entry is never answered at or past it, nor past its own.
    public func lookup(_ key: CacheKey, codeValidUntil: Date?, now: Date, policy: CachePolicy)
        async throws(StorageError) -> CacheLookup
    {
        let digest = key.digest
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
    @discardableResult
    public func store(_ result: VerificationResult, key: CacheKey, validUntil: Date, askedAt: Date,
                      policy: CachePolicy) async throws(StorageError) -> Bool {
        guard result.issuer == key.issuer, result.freshness == .live else { return false }
        let digest = key.digest
        let asOfMs = AuditRow.milliseconds(result.asOf)
        let validUntilMs = AuditRow.milliseconds(validUntil)
        let expiresMs = min(asOfMs + policy.retention.milliseconds, validUntilMs)
        guard expiresMs > asOfMs else { return false }
        let askedAtMs = AuditRow.milliseconds(askedAt)
        guard let json = try? JSONEncoder().encode(result) else {
            throw StorageError(.encoding, "a result could not be encoded for the cache")
        }
        let encoded = Array(json)
        let issuer = result.issuer.rawValue
        let holder = result.holder.rawValue
        return try await writer.run { (db) throws(StorageError) -> Bool in
            try db.transaction { () throws(StorageError) -> Bool in
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
                    try s.bind(digest, at: 2)
                    try s.bind(holder, at: 3)
                    try s.bind(encoded, at: 4)
                    try s.bind(asOfMs, at: 5)
                    try s.bind(validUntilMs, at: 6)
                    try s.bind(expiresMs, at: 7)
                    try s.step()
                }
                return true
            }
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
                return removed
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

    /// The number of entries stored (tests, metrics).
    public func count() async throws(StorageError) -> Int {
        try await reader.run { (db) throws(StorageError) -> Int in
            Int(try db.scalarInt("SELECT COUNT(*) FROM cache_entries") ?? 0)
        }
    }
}
