import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

@Suite("VerificationCache")
struct VerificationCacheTests {
    let policy = CachePolicy(freshnessBudget: .seconds(30), staleLimit: .seconds(300))
    let t0 = Fixture.t0

    @Test("a miss, then a hit within the budget answered as cached with the original asOf")
    func hitWithinBudget() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-1")
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-1", scene: nil), codeValidUntil: nil, now: t0, policy: policy) == .miss)
            let stored = try await cache.store(Fixture.result(holder: holder, asOf: t0), key: CacheKey(issuer: .hangzhou, code: "tok-1", scene: nil), validUntil: t0.addingTimeInterval(3600),
                                               askedAt: t0.addingTimeInterval(-0.2), policy: policy)
            #expect(stored)
            let lookup = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-1", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(29), policy: policy)
            guard case .fresh(let result) = lookup else {
                Issue.record("expected a fresh hit, got \(lookup)")
                return
            }
            #expect(result.freshness == .cached)
            #expect(result.admits)
            #expect(result.holder == holder)
            #expect(abs(result.asOf.timeIntervalSince(t0)) < 0.001)
            // Another issuer with the same key is another entry.
            #expect(try await cache.lookup(CacheKey(issuer: .shanghai, code: "tok-1", scene: nil), codeValidUntil: nil, now: t0, policy: policy) == .miss)
            await cache.close()
        }
    }

    @Test("past the budget: stale (not admitting) within the stale limit, then a miss; stale off means a miss")
    func staleThenExpired() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            try await cache.store(Fixture.result(holder: Fixture.holder("H-2"), asOf: t0), key: CacheKey(issuer: .hangzhou, code: "tok-2", scene: nil), validUntil: t0.addingTimeInterval(3600),
                                  askedAt: t0, policy: policy)
            let stale = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-2", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(31), policy: policy)
            guard case .stale(let result) = stale else {
                Issue.record("expected stale, got \(stale)")
                return
            }
            #expect(result.freshness == .stale)
            #expect(!result.admits)
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-2", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(301), policy: policy) == .miss)
            let noStale = CachePolicy(freshnessBudget: .seconds(30), staleLimit: .zero)
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-2", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(31), policy: noStale) == .miss)
            await cache.close()
        }
    }

    @Test("an entry is never answered at or past the code's own validity, fresh or stale")
    func neverPastValidUntil() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let validUntil = t0.addingTimeInterval(10)
            try await cache.store(Fixture.result(holder: Fixture.holder("H-3"), asOf: t0), key: CacheKey(issuer: .hangzhou, code: "tok-3", scene: nil),
                                  validUntil: validUntil, askedAt: t0, policy: policy)
            if case .fresh = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-3", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(9.9), policy: policy) {
            } else {
                Issue.record("expected a fresh hit before validUntil")
            }
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-3", scene: nil), codeValidUntil: nil, now: validUntil, policy: policy) == .miss)
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok-3", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(60), policy: policy) == .miss)
            // A code already invalid when answered is not stored at all.
            let stored = try await cache.store(Fixture.result(holder: Fixture.holder("H-3"), asOf: t0), key: CacheKey(issuer: .hangzhou, code: "tok-3b", scene: nil),
                                               validUntil: t0.addingTimeInterval(-1), askedAt: t0, policy: policy)
            #expect(!stored)
            // Purge removes it once past validUntil, though budget and stale limit are longer.
            #expect(try await cache.purgeExpired(now: validUntil) == 1)
            #expect(try await cache.count() == 0)
            await cache.close()
        }
    }

    @Test("invalidate drops every entry of the holder at once and no other")
    func invalidateDropsHolder() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let alice = Fixture.holder("H-alice")
            let bob = Fixture.holder("H-bob")
            for token in ["a-1", "a-2", "a-3"] {
                try await cache.store(Fixture.result(holder: alice, asOf: t0), key: CacheKey(issuer: .hangzhou, code: token, scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: policy)
            }
            try await cache.store(Fixture.result(holder: bob, asOf: t0), key: CacheKey(issuer: .hangzhou, code: "b-1", scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: policy)
            let dropped = try await cache.invalidate(issuer: .hangzhou, holder: alice, now: t0.addingTimeInterval(1))
            #expect(dropped == 3)
            for token in ["a-1", "a-2", "a-3"] {
                #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: token, scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(2), policy: policy) == .miss)
            }
            if case .fresh = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "b-1", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(2), policy: policy) {
            } else {
                Issue.record("bob's entry should survive alice's invalidation")
            }
            await cache.close()
        }
    }

    @Test("a green turned red is never served after invalidate returned, even when the green answer is stored late")
    func greenTurnedRed() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-red")
            // The core asked the issuer at t0 and got green; the answer is still in flight.
            let askedAt = t0
            let green = Fixture.result(holder: holder, status: .green, asOf: t0.addingTimeInterval(0.5))
            try await cache.store(green, key: CacheKey(issuer: .hangzhou, code: "tok", scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: askedAt, policy: policy)
            // The issuer's "turned red" notification is acknowledged at t0 + 0.3 s.
            try await cache.invalidate(issuer: .hangzhou, holder: holder, now: t0.addingTimeInterval(0.3))
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) == .miss)
            // The late green (asked before the notification) is refused…
            let late = try await cache.store(green, key: CacheKey(issuer: .hangzhou, code: "tok", scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: askedAt, policy: policy)
            #expect(!late)
            #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) == .miss)
            // …and the next verify's answer, asked after it, is red and is what is served.
            let red = Fixture.result(holder: holder, status: .red, asOf: t0.addingTimeInterval(2))
            #expect(try await cache.store(red, key: CacheKey(issuer: .hangzhou, code: "tok", scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: t0.addingTimeInterval(1.5), policy: policy))
            let lookup = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(3), policy: policy)
            guard case .fresh(let served) = lookup else {
                Issue.record("expected the red entry, got \(lookup)")
                return
            }
            #expect(served.status == .red)
            #expect(!served.admits)
            await cache.close()
        }
    }

    @Test("concurrent lookups and invalidations: after invalidate returns, no lookup sees the old entry")
    func invalidateUnderConcurrency() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-busy")
            let policy = self.policy
            let t0 = self.t0
            try await cache.store(Fixture.result(holder: holder, asOf: t0), key: CacheKey(issuer: .hangzhou, code: "tok", scene: nil), validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: policy)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask { _ = try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok", scene: nil), codeValidUntil: nil, now: t0, policy: policy) }
                }
                group.addTask { try await cache.invalidate(issuer: .hangzhou, holder: holder, now: t0.addingTimeInterval(0.1)) }
                try await group.waitForAll()
            }
            for _ in 0..<32 {
                #expect(try await cache.lookup(CacheKey(issuer: .hangzhou, code: "tok", scene: nil), codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) == .miss)
            }
            await cache.close()
        }
    }

    @Test("purge removes entries past max(budget, stale limit) and keeps the others; the key is stored only as a digest")
    func purgeAndDigest() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let cache = VerificationCache(database: database)
            let short = CachePolicy(freshnessBudget: .seconds(30), staleLimit: .zero)
            try await cache.store(Fixture.result(holder: Fixture.holder("H-a"), asOf: t0), key: CacheKey(issuer: .hangzhou, code: "secret-token-a", scene: nil),
                                  validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: short)
            try await cache.store(Fixture.result(holder: Fixture.holder("H-b"), asOf: t0), key: CacheKey(issuer: .hangzhou, code: "secret-token-b", scene: nil),
                                  validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: policy)
            #expect(try await cache.purgeExpired(now: t0.addingTimeInterval(29)) == 0)
            #expect(try await cache.purgeExpired(now: t0.addingTimeInterval(30)) == 1)
            #expect(try await cache.count() == 1)
            #expect(try await cache.purgeExpired(now: t0.addingTimeInterval(300)) == 1)
            #expect(try await cache.count() == 0)
            await cache.close()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: database.path))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))) ?? Data()
            #expect(bytes.range(of: Data("secret-token".utf8)) == nil)
            #expect(wal.range(of: Data("secret-token".utf8)) == nil)
        }
    }

    // MARK: The cache answers for a code, not a holder (issue: cache trust)

    @Test("an answer is reused only for the very code it was given for: another code of the same holder is a miss")
    func exactCodeOnly() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-card")
            let genuine = CacheKey(issuer: .beijing, code: "BJJXXZ|11010520200302000017|20200302081455|7c1e04ab", scene: nil)
            let forged = CacheKey(issuer: .beijing, code: "BJJXXZ|11010520200302000017|20200302081600|00000000", scene: nil)
            let result = Fixture.result(holder: holder, asOf: t0, issuer: .beijing)
            #expect(try await cache.store(result, key: genuine, validUntil: t0.addingTimeInterval(600), askedAt: t0, policy: policy))
            #expect(try await cache.lookup(forged, codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) == .miss)
            #expect(try await cache.lookup(genuine, codeValidUntil: nil, now: t0.addingTimeInterval(1), policy: policy) != .miss)
            await cache.close()
        }
    }

    @Test("an answer given for one scene is never answered for another")
    func perScene() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let transport = CacheKey(issuer: .hangzhou, code: "HZHC2:TOKEN", scene: "transport")
            let retail = CacheKey(issuer: .hangzhou, code: "HZHC2:TOKEN", scene: "retail")
            let anyScene = CacheKey(issuer: .hangzhou, code: "HZHC2:TOKEN", scene: nil)
            try await cache.store(Fixture.result(holder: Fixture.holder("H-s"), asOf: t0), key: transport,
                                  validUntil: t0.addingTimeInterval(300), askedAt: t0, policy: policy)
            #expect(try await cache.lookup(transport, codeValidUntil: nil, now: t0, policy: policy) != .miss)
            #expect(try await cache.lookup(retail, codeValidUntil: nil, now: t0, policy: policy) == .miss)
            #expect(try await cache.lookup(anyScene, codeValidUntil: nil, now: t0, policy: policy) == .miss)
            await cache.close()
        }
    }

    @Test("never past the presented code's own validity, though the entry's is later")
    func presentedCodeValidity() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let key = CacheKey(issuer: .shanghai, code: "a3f9c2e17b4d5086", scene: nil)
            try await cache.store(Fixture.result(holder: Fixture.holder("H-v"), asOf: t0, issuer: .shanghai), key: key,
                                  validUntil: t0.addingTimeInterval(3600), askedAt: t0, policy: policy)
            #expect(try await cache.lookup(key, codeValidUntil: t0.addingTimeInterval(5), now: t0.addingTimeInterval(5),
                                           policy: policy) == .miss)
            #expect(try await cache.lookup(key, codeValidUntil: t0.addingTimeInterval(6), now: t0.addingTimeInterval(5),
                                           policy: policy) != .miss)
            // An answer for another issuer under this key is never served.
            let other = CacheKey(issuer: .hangzhou, code: "x", scene: nil)
            #expect(try await !cache.store(Fixture.result(holder: Fixture.holder("H-v"), asOf: t0, issuer: .shanghai),
                                           key: other, validUntil: t0.addingTimeInterval(60), askedAt: t0, policy: policy))
            await cache.close()
        }
    }

    @Test("an entry older than an invalidation of its holder is never answered, however it got in")
    func olderThanInvalidation() async throws {
        try await withTemporaryDirectory { dir in
            let cache = VerificationCache(database: try await openDatabase(in: dir))
            let holder = Fixture.holder("H-old")
            let key = CacheKey(issuer: .hangzhou, code: "tok-old", scene: nil)
            try await cache.invalidate(issuer: .hangzhou, holder: holder, status: .red, changedAt: nil, now: t0.addingTimeInterval(1))
            // Asked after the invalidation (so the store guard lets it in) but vouched for before it.
            #expect(try await cache.store(Fixture.result(holder: holder, asOf: t0), key: key,
                                          validUntil: t0.addingTimeInterval(300), askedAt: t0.addingTimeInterval(2), policy: policy))
            #expect(try await cache.lookup(key, codeValidUntil: nil, now: t0.addingTimeInterval(3), policy: policy) == .miss)
            await cache.close()
        }
    }

    @Test("the newest notice of a holder is kept, survives a reopen, and is forgotten after noticeMemory")
    func notices() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let cache = VerificationCache(database: database, noticeMemory: .seconds(7200))
            let holder = Fixture.holder("H-n")
            #expect(try await cache.notice(issuer: .shanghai, holder: holder) == nil)
            try await cache.invalidate(issuer: .shanghai, holder: holder, status: .red, changedAt: t0,
                                       now: t0.addingTimeInterval(1))
            try await cache.invalidate(issuer: .shanghai, holder: holder, status: .yellow, changedAt: nil,
                                       now: t0.addingTimeInterval(5))
            // Another issuer's holder of the same pseudonym text is another holder.
            #expect(try await cache.notice(issuer: .hangzhou, holder: holder) == nil)
            let notice = try #require(try await cache.notice(issuer: .shanghai, holder: holder))
            #expect(notice.status == .yellow)
            #expect(notice.changedAt == nil)
            #expect(abs(notice.noticedAt.timeIntervalSince(t0.addingTimeInterval(5))) < 0.001)
            // Still there after the invalidation memory (600 s), gone after the notice memory.
            try await cache.purgeExpired(now: t0.addingTimeInterval(3600))
            #expect(try await cache.notice(issuer: .shanghai, holder: holder)?.status == .yellow)
            try await cache.purgeExpired(now: t0.addingTimeInterval(7206))
            #expect(try await cache.notice(issuer: .shanghai, holder: holder) == nil)
            await cache.close()
        }
    }
}
