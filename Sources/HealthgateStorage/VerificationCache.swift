import Crypto
import Foundation
import HealthgateModel

/// The verification cache: the last canonical result per issuer and holder key, with per-city freshness budgets, a
/// bounded stale window, and invalidation of every entry of a holder at once.
///
/// **What is stored.** The `VerificationResult` (JSON; it names the holder by pseudonym only), its `asOf`, the code's
/// own `validUntil`, and the holder pseudonym as the invalidation key. The holder key (Hangzhou's token, Shanghai's
/// `sid`, Beijing's card id) is stored only as a SHA-256 digest; no native holder reference and no ID number is stored.
///
/// **Invalidation.** `invalidate(issuer:holder:now:)` deletes every entry of the holder and remembers the instant, in
/// one transaction committed with `synchronous=FULL` before it returns: no lookup after it returns can see the old
/// entries, even after a crash. A `store` of an answer the core asked for *before* that instant (`askedAt`) is refused,
/// so a green fetched just before a "turned red" notification cannot re-enter the cache after it.
///
/// **Errors are never cached:** `store` takes only a `VerificationResult`.
///
/// Lookups run on their own connection and queue (WAL readers never wait for writers); writes on another.
public final class VerificationCache: Sendable {
    /// The database the cache lives in (tables `cache_entries`, `cache_invalidations`).
    public let database: StorageDatabase
    /// How long an invalidation is remembered against late `store`s: longer than any issuer call can take.
    public let invalidationMemory: Duration
    let writer: SQLiteQueue
    let reader: SQLiteQueue

    /// A cache on `database`. Opens no connection yet.
    public init(database: StorageDatabase, invalidationMemory: Duration = .seconds(600)) {
        self.database = database
        self.invalidationMemory = invalidationMemory
        self.writer = database.makeQueue(label: "healthgate.cache.writer", synchronous: .normal)
        self.reader = database.makeQueue(label: "healthgate.cache.reader", synchronous: .normal)
    }

    /// Closes the cache's connections.
    public func close() async {
        await writer.close()
        await reader.close()
    }

    /// The stored form of a holder key: SHA-256 over a domain, the issuer and the key.
    static func digest(issuer: RegionCode, holderKey: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("healthgate-cache-v1".utf8) + [0] + Array(issuer.rawValue.utf8) + [0])
        hasher.update(data: Array(holderKey.utf8))
        return Array(hasher.finalize())
    }

    /// Looks up the entry of `holderKey` as issued by `issuer`, judged at `now` under `policy`.
    public func lookup(issuer: RegionCode, holderKey: String, now: Date, policy: CachePolicy) async throws(StorageError) -> CacheLookup {
        let key = Self.digest(issuer: issuer, holderKey: holderKey)
        let nowMs = AuditRow.milliseconds(now)
        let budgetMs = policy.freshnessBudget.milliseconds
        let staleMs = policy.staleLimit.milliseconds
        let found = try await reader.run { (db) throws(StorageError) -> (result: [UInt8], asOf: Int64, validUntil: Int64?)? in
            try db.withStatement("SELECT result, as_of_ms, valid_until_ms FROM cache_entries WHERE issuer = ?1 AND key = ?2") {
                (s) throws(StorageError) -> (result: [UInt8], asOf: Int64, validUntil: Int64?)? in
                try s.bind(issuer.rawValue, at: 1)
                try s.bind(key, at: 2)
                guard try s.step() else { return nil }
                return (s.blob(0) ?? [], s.int64(1), s.optionalInt64(2))
            }
        }
        guard let found else { return .miss }
        if let validUntil = found.validUntil, nowMs >= validUntil { return .miss }
        let age = nowMs - found.asOf
        guard age <= max(budgetMs, staleMs) else { return .miss }
        guard let result = try? JSONDecoder().decode(VerificationResult.self, from: Data(found.result)) else {
            throw StorageError(.encoding, "a cached result could not be decoded")
        }
        if age <= budgetMs { return .fresh(result.with(freshness: .cached)) }
        return .stale(result.with(freshness: .stale))
    }

    /// `lookup(issuer:holderKey:now:policy:)` with the budget and stale limit given one by one.
    public func lookup(issuer: RegionCode, holderKey: String, now: Date, budget: Duration, staleLimit: Duration)
        async throws(StorageError) -> CacheLookup
    {
        try await lookup(issuer: issuer, holderKey: holderKey, now: now,
                         policy: CachePolicy(freshnessBudget: budget, staleLimit: staleLimit))
    }

    /// Stores a live result for `holderKey` (its issuer is `result.issuer`); returns `false` when it was not stored.
    ///
    /// - Parameters:
    ///   - validUntil: the last instant the QR code itself is valid (`RecognisedCode.validUntil`), when known; the entry
    ///     is never answered at or past it.
    ///   - askedAt: when the core started asking the issuer. If the holder was invalidated at or after it, the result
    ///     may predate the change and is not stored.
    ///   - policy: the city's policy; the entry is purged at `min(asOf + max(budget, staleLimit), validUntil)`.
    @discardableResult
    public func store(_ result: VerificationResult, holderKey: String, validUntil: Date?, askedAt: Date,
                      policy: CachePolicy) async throws(StorageError) -> Bool {
        let key = Self.digest(issuer: result.issuer, holderKey: holderKey)
        let asOfMs = AuditRow.milliseconds(result.asOf)
        let validUntilMs = validUntil.map(AuditRow.milliseconds)
        let expiresMs = min(asOfMs + policy.retention.milliseconds, validUntilMs ?? Int64.max)
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
                    try s.bind(key, at: 2)
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

    /// Drops every entry of `holder` (the pseudonym of the event's issuer and holder reference) and refuses later stores
    /// of answers asked for before `now`; returns the number of entries dropped. Durable (`synchronous=FULL`) on return.
    @discardableResult
    public func invalidate(issuer: RegionCode, holder: HolderPseudonym, now: Date) async throws(StorageError) -> Int {
        let nowMs = AuditRow.milliseconds(now)
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
                return removed
            }
        }
    }

    /// Deletes every entry past its retention (`min(asOf + max(budget, staleLimit), validUntil)`) and every
    /// invalidation older than `invalidationMemory`; returns the number of entries deleted.
    @discardableResult
    public func purgeExpired(now: Date) async throws(StorageError) -> Int {
        let nowMs = AuditRow.milliseconds(now)
        let forgetBeforeMs = nowMs - invalidationMemory.milliseconds
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
