import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

/// The memory tier of `VerificationCache`: lookups without SQLite, writes behind, the same rule, bounded.
@Suite("VerificationCache memory tier")
struct VerificationCacheMemoryTests {
    let policy = CachePolicy(freshnessBudget: .seconds(30), staleLimit: .seconds(300))
    let t0 = Fixture.t0

    func key(_ code: String) -> CacheKey { CacheKey(issuer: .hangzhou, code: code, scene: "transport") }

    @Test("an entry stored behind is found at once, written to SQLite shortly after, and found by the next process")
    func writeBehindAndReload() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let cache = VerificationCache(database: database)
            let result = Fixture.result(holder: Fixture.holder("H-wb"), asOf: t0)
            #expect(try await cache.store(result, key: key("tok"), validUntil: t0.addingTimeInterval(300), askedAt: t0,
                                          policy: policy, durably: false))
            guard case .fresh(let hit) = try await cache.lookup(key("tok"), codeValidUntil: nil, now: t0.addingTimeInterval(1),
                                                                policy: policy) else {
                Issue.record("expected a hit from memory")
                return
            }
            #expect(hit.freshness == .cached)
            await cache.flushBehind()
            #expect(try await cache.count() == 1)
            await cache.close()

            let next = VerificationCache(database: database)
            let reloaded = try await next.lookup(key("tok"), codeValidUntil: nil, now: t0.addingTimeInterval(2), policy: policy)
            #expect(reloaded != .miss)
            #expect(next.memoryCount == 1)
            #expect(try await next.lookup(key("other"), codeValidUntil: nil, now: t0.addingTimeInterval(2), policy: policy) == .miss)
            await next.close()
        }
    }

    @Test("an invalidation while an entry waits to be written: gone from memory, refused by SQLite")
    func invalidationBeforeTheWrite() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-race")
            try await cache.store(Fixture.result(holder: holder, asOf: t0), key: key("tok"), validUntil: t0.addingTimeInterval(300),
                                  askedAt: t0, policy: policy, durably: false)
            let dropped = try await cache.invalidate(issuer: .hangzhou, holder: holder, status: .red, changedAt: nil,
                                                     now: t0.addingTimeInterval(0.5))
            #expect(dropped == 1)
            await cache.flushBehind()
            #expect(try await cache.count() == 0)
            #expect(try await cache.lookup(key("tok"), codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) == .miss)
            // An answer asked before the invalidation is refused in memory too.
            #expect(try await !cache.store(Fixture.result(holder: holder, asOf: t0.addingTimeInterval(0.6)), key: key("tok"),
                                           validUntil: t0.addingTimeInterval(300), askedAt: t0.addingTimeInterval(0.4),
                                           policy: policy, durably: false))
            await cache.close()
        }
    }

    @Test("the memory tier is bounded: past its capacity the entries expiring first make room")
    func bounded() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir), memoryCapacity: 100)
            for i in 0..<250 {
                try await cache.store(Fixture.result(holder: Fixture.holder("H-\(i)"), asOf: t0.addingTimeInterval(Double(i) / 1000)),
                                      key: key("tok-\(i)"), validUntil: t0.addingTimeInterval(300), askedAt: t0,
                                      policy: policy, durably: false)
            }
            #expect(cache.memoryCount <= 100)
            // The newest entry is there.
            #expect(try await cache.lookup(key("tok-249"), codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) != .miss)
            await cache.close()
        }
    }
}
