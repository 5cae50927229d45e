import Foundation
import HealthgateModel

/// The in-memory tier of `VerificationCache`: decoded results by key digest, the keys of each holder, and recent
/// invalidations, under the same rule as the stored entries. Serves every lookup without SQLite, a thread hop or JSON.
///
/// A plain value: `VerificationCache` keeps it in a `Mutex`.
struct HotCacheEntries {
    /// One cached answer.
    struct Entry {
        var result: VerificationResult
        var holder: String
        var asOfMs: Int64
        var validUntilMs: Int64
        var expiresMs: Int64
    }

    /// At most this many entries; past it, expired entries go first, then the oldest by expiry.
    let capacity: Int
    private(set) var entries: [[UInt8]: Entry] = [:]
    /// The key digests of each holder (`issuer|pseudonym`), for invalidation.
    private var byHolder: [String: Set<[UInt8]>] = [:]
    /// When each holder was last invalidated (ms), kept as long as the stored invalidations.
    private var invalidatedAt: [String: Int64] = [:]

    init(capacity: Int) { self.capacity = capacity }

    static func holderID(_ issuer: RegionCode, _ holder: String) -> String { issuer.rawValue + "|" + holder }

    /// The entry for `digest`, judged at `nowMs`: `nil` when absent, past its own or the presented code's validity,
    /// past retention, or older than an invalidation of its holder.
    func lookup(_ digest: [UInt8], issuer: RegionCode, codeValidUntilMs: Int64?, nowMs: Int64, retentionMs: Int64)
        -> Entry?
    {
        guard let entry = entries[digest], entry.result.issuer == issuer else { return nil }
        guard nowMs < entry.validUntilMs, nowMs < entry.expiresMs else { return nil }
        if let codeValidUntilMs, nowMs >= codeValidUntilMs { return nil }
        let age = nowMs - entry.asOfMs
        guard age >= 0, age <= retentionMs else { return nil }
        if let at = invalidatedAt[Self.holderID(issuer, entry.holder)], at >= entry.asOfMs { return nil }
        return entry
    }

    /// Inserts `entry`; `false` when its holder was invalidated at or after `askedAtMs` (the answer may predate it).
    mutating func insert(_ entry: Entry, digest: [UInt8], askedAtMs: Int64, nowMs: Int64) -> Bool {
        let holder = Self.holderID(entry.result.issuer, entry.holder)
        if let at = invalidatedAt[holder], at >= askedAtMs { return false }
        if entries[digest] == nil, entries.count >= capacity { evict(nowMs: nowMs) }
        if let previous = entries[digest], previous.holder != entry.holder {
            byHolder[Self.holderID(previous.result.issuer, previous.holder)]?.remove(digest)
        }
        entries[digest] = entry
        byHolder[holder, default: []].insert(digest)
        return true
    }

    /// Drops every entry of the holder and remembers the instant; returns how many were dropped.
    mutating func invalidate(issuer: RegionCode, holder: String, atMs: Int64) -> Int {
        let id = Self.holderID(issuer, holder)
        invalidatedAt[id] = max(invalidatedAt[id] ?? .min, atMs)
        guard let digests = byHolder.removeValue(forKey: id) else { return 0 }
        for digest in digests { entries.removeValue(forKey: digest) }
        return digests.count
    }

    /// Drops entries past their retention and invalidations older than `forgetBeforeMs`.
    mutating func purge(nowMs: Int64, forgetBeforeMs: Int64) {
        for (digest, entry) in entries where entry.expiresMs <= nowMs { remove(digest, entry) }
        invalidatedAt = invalidatedAt.filter { $0.value >= forgetBeforeMs }
    }

    private mutating func remove(_ digest: [UInt8], _ entry: Entry) {
        entries.removeValue(forKey: digest)
        let id = Self.holderID(entry.result.issuer, entry.holder)
        byHolder[id]?.remove(digest)
        if byHolder[id]?.isEmpty == true { byHolder.removeValue(forKey: id) }
    }

    /// Makes room: every expired entry, and if that is not a tenth of the capacity, the entries expiring first.
    private mutating func evict(nowMs: Int64) {
        let before = entries.count
        for (digest, entry) in entries where entry.expiresMs <= nowMs { remove(digest, entry) }
        let wanted = max(1, capacity / 10)
        guard before - entries.count < wanted else { return }
        let victims = entries.sorted { $0.value.expiresMs < $1.value.expiresMs }.prefix(wanted - (before - entries.count))
        for (digest, entry) in victims { remove(digest, entry) }
    }
}
