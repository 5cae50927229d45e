import Foundation
import HealthgateModel
@testable import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateStorage
import Testing

/// Invalidation across replicas against a real PostgreSQL started by the test (`PostgresTestServer`): what replica A
/// acknowledged, replica B does not serve; a blind replica serves no cached answer until it has caught up.
@Suite("SharedInvalidations on PostgreSQL", .serialized)
struct SharedInvalidationsTests {
    /// Runs `body` with a fresh server and two started replicas, A over TCP and B over the unix socket; skipped (with
    /// a printed reason) where PostgreSQL is not installed.
    func withReplicas(_ body: (PostgresTestServer, TestReplica, TestReplica) async throws -> Void) async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        let folder = server.folder.appendingPathComponent("replicas")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var replicas: [TestReplica] = []
        do {
            let a = try await TestReplica(name: "replica-a", server: server, folder: folder)
            replicas.append(a)
            let b = try await TestReplica(name: "replica-b", server: server, folder: folder, unixSocket: true)
            replicas.append(b)
            try await a.start()
            try await b.start()
            try await body(server, a, b)
        } catch {
            for replica in replicas { await replica.stop() }
            await server.stop()
            throw error
        }
        for replica in replicas { await replica.stop() }
        await server.stop()
    }

    @Test("a notification acknowledged by replica A: replica B no longer serves the old colour; the window is measured")
    func acknowledgedOnAMeansGoneOnB() async throws {
        try await withReplicas { _, a, b in
            var windows: [Duration] = []
            for round in 0..<20 {
                let holder = Fixture.holder("H-\(round)")
                let code = "code-\(round)"
                try await Fixture.storeGreen(a.cache, holder: holder, code: code)
                try await Fixture.storeGreen(b.cache, holder: holder, code: code)
                #expect(try await Fixture.serves(b.cache, code: code))

                // A receives the city's notification; it returns (is acknowledged) once PostgreSQL committed it.
                try await a.cache.invalidate(issuer: .hangzhou, holder: holder, status: .red, changedAt: Date(),
                                             now: Date())
                let acknowledged = ContinuousClock.now
                #expect(try await !Fixture.serves(a.cache, code: code))
                try await waitUntil("B dropped the entry") { try await !Fixture.serves(b.cache, code: code) }
                windows.append(ContinuousClock.now - acknowledged)

                // B's degraded answers are bounded by the notice A recorded.
                let notice = try await b.cache.notice(issuer: .hangzhou, holder: holder)
                #expect(notice?.status == .red)
            }
            let sorted = windows.sorted()
            print("invalidation window (acknowledged on A → dropped on B), 20 rounds: median \(sorted[sorted.count / 2]),"
                  + " max \(sorted.last!)")
            #expect(sorted.last! < .seconds(2))
        }
    }

    @Test("the listener cut: no cached answer until it has reconnected and read back what it missed")
    func listenerCutServesNothingUntilCaughtUp() async throws {
        try await withReplicas { _, a, b in
            let changed = Fixture.holder("H-changed")
            let unchanged = Fixture.holder("H-unchanged")
            try await Fixture.storeGreen(b.cache, holder: changed, code: "changed")
            try await Fixture.storeGreen(b.cache, holder: unchanged, code: "unchanged")
            #expect(try await Fixture.serves(b.cache, code: "unchanged"))

            b.holdBox.hold()
            await b.shared.cutListener()
            try await waitUntil("B distrusts its cache") { !b.shared.trustsCache }
            #expect(!b.shared.problems().isEmpty)
            // Blind: neither entry is served, though both are still in B's own cache.
            #expect(try await !Fixture.serves(b.cache, code: "unchanged"))
            #expect(try await !Fixture.serves(b.cache, code: "changed"))
            #expect(b.local.memoryCount == 2)

            // A is acknowledged while B cannot hear it.
            try await a.cache.invalidate(issuer: .hangzhou, holder: changed, status: .red, changedAt: nil, now: Date())
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await !Fixture.serves(b.cache, code: "unchanged"))

            let catchUps = b.shared.catchUps
            let released = ContinuousClock.now
            b.holdBox.release()
            try await waitUntil("B caught up") { b.shared.catchUps > catchUps && b.shared.trustsCache }
            print("listener reconnected and caught up \(ContinuousClock.now - released) after the cut was healed")
            #expect(try await !Fixture.serves(b.cache, code: "changed"))
            #expect(try await Fixture.serves(b.cache, code: "unchanged"))
            #expect(b.shared.problems().isEmpty)
        }
    }

    @Test("the database down: the invalidation is not acknowledged, no replica trusts its cache; both recover")
    func databaseDown() async throws {
        try await withReplicas { server, a, b in
            let holder = Fixture.holder("H-down")
            try await Fixture.storeGreen(b.cache, holder: holder, code: "down")
            try await server.halt()
            await #expect(throws: PostgresStoreError.self) {
                try await a.shared.publish(HolderInvalidation(issuer: .hangzhou, holder: holder, status: .red,
                                                              changedAt: nil))
            }
            try await waitUntil("both distrust") { !a.shared.trustsCache && !b.shared.trustsCache }
            #expect(try await !Fixture.serves(b.cache, code: "down"))
            #expect(!a.shared.problems().isEmpty)

            try await server.startAgain()
            try await waitUntil("both caught up again") { a.shared.trustsCache && b.shared.trustsCache }
            #expect(try await Fixture.serves(b.cache, code: "down"))
            try await a.cache.invalidate(issuer: .hangzhou, holder: holder, status: .red, changedAt: nil, now: Date())
            try await waitUntil("B dropped the entry") { try await !Fixture.serves(b.cache, code: "down") }
        }
    }
}

extension SharedInvalidationsTests {
    @Test("invalidations older than the retention are pruned; younger ones stay")
    func prune() async throws {
        try await withReplicas { _, a, _ in
            for n in 0..<3 {
                try await a.shared.publish(HolderInvalidation(issuer: .hangzhou, holder: Fixture.holder("H-p\(n)"),
                                                              status: .yellow, changedAt: nil))
            }
            #expect(try await a.shared.invalidationCount() == 3)
            #expect(try await a.shared.prune(olderThan: .seconds(3600)) == 0)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await a.shared.prune(olderThan: .milliseconds(10)) == 3)
            #expect(try await a.shared.invalidationCount() == 0)
        }
    }
}

/// The notification payload, without a database.
@Suite("HolderInvalidation")
struct HolderInvalidationTests {
    @Test("the payload round-trips with and without status and time")
    func payloadRoundTrip() throws {
        let holder = Fixture.holder("H-1")
        let full = HolderInvalidation(issuer: .hangzhou, holder: holder, status: .red,
                                      changedAt: Date(timeIntervalSince1970: 1_767_225_600.123))
        #expect(try HolderInvalidation(payload: full.payload) == full)
        let bare = HolderInvalidation(issuer: .hangzhou, holder: holder, status: nil, changedAt: nil)
        #expect(try HolderInvalidation(payload: bare.payload) == bare)
    }

    @Test("a malformed payload is refused with a machine code")
    func malformed() {
        for payload in ["", "330100", "330100 not-a-pseudonym - -", "330100 \(Fixture.holder("x")) purple -",
                        "330100 \(Fixture.holder("x")) red soon"] {
            let error = #expect(throws: PostgresStoreError.self) { try HolderInvalidation(payload: payload) }
            #expect(error?.code == .encoding)
        }
    }
}
