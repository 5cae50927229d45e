import Foundation
import HealthgateModel
@testable import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateStorage
import Testing

/// The shared transfer records on a real PostgreSQL: one claim per request id at a time across replicas, taken over
/// when its lease lapses, ended by the record; the first record of a request id wins.
@Suite("transfer records on PostgreSQL", .serialized)
struct PostgresTransferStoreTests {
    static func transfer(_ id: UUID, fingerprint: String = "ab12", outcome: String = StoredTransfer.done) -> StoredTransfer {
        StoredTransfer(
            requestID: id, created: Date(), fingerprint: fingerprint, originIssuer: .hangzhou,
            originHolder: Fixture.holder("origin"), originStatus: .yellow,
            originReasons: [Reason(code: .keyAreaTravel, native: "R12")], originObservationEnds: LocalDate("2026-12-09"),
            originAsOf: Date(), homeHolder: Fixture.holder("home"), homeStatus: .yellow,
            homeReasons: [Reason(code: .keyAreaTravel, native: "SH-KEYAREA")], homeObservationEnds: LocalDate("2026-12-10"),
            outcome: outcome, explanation: "黄码", answer: Array("{\"status\":\"yellow\"}".utf8))
    }

    @Test("one claim per request id across replicas; a lapsed lease is taken over; release and record end the claim")
    func claims() async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        try await PostgresDatabase.migrate(server.settings(replicaId: "migrate"))
        let poolA = PostgresDatabase(settings: server.settings(replicaId: "replica-a"))
        let poolB = PostgresDatabase(settings: server.settings(replicaId: "replica-b", unixSocket: true))
        let tasks = [Task { try? await poolA.run() }, Task { try? await poolB.run() }]
        let a = PostgresTransferStore(database: poolA)
        let b = PostgresTransferStore(database: poolB)
        do {
            // Both at once: exactly one is granted.
            let id = UUID()
            async let claimA = a.claim(requestID: id, lease: .seconds(30))
            async let claimB = b.claim(requestID: id, lease: .seconds(30))
            let claims = try await [claimA, claimB]
            #expect(claims.filter(\.isGranted).count == 1)
            let (holder, other) = claims[0].isGranted ? (a, b) : (b, a)
            #expect(try await holder.claim(requestID: id, lease: .seconds(30)).isGranted, "the holder keeps its claim")
            #expect(try await other.claim(requestID: id, lease: .seconds(30)) == .heldElsewhere)

            // The first record of a request id wins; the claim outlives it (a later claim finds the record).
            let first = try await holder.save(Self.transfer(id))
            #expect(first.fingerprint == "ab12")
            let second = try await other.save(Self.transfer(id, fingerprint: "cd34", outcome: "policy-conflict"))
            #expect(second == first)
            #expect(try await other.lookup(requestID: id, now: Date()) == first)
            #expect(try await other.claim(requestID: id, lease: .seconds(30)) == .heldElsewhere)

            // A lapsed lease (its replica died) is taken over, with the first claim's arrival time.
            let orphan = UUID()
            let firstClaim = try await a.claim(requestID: orphan, lease: .milliseconds(200))
            #expect(firstClaim.isGranted)
            #expect(try await b.claim(requestID: orphan, lease: .seconds(30)) == .heldElsewhere)
            try await Task.sleep(for: .milliseconds(300))
            let takenOver = try await b.claim(requestID: orphan, lease: .seconds(30))
            #expect(takenOver == firstClaim, "a claim taken over keeps the first claim's arrival time")

            // A released claim (the run never reached the home city) is free at once.
            let released = UUID()
            #expect(try await a.claim(requestID: released, lease: .seconds(30)).isGranted)
            try await b.release(requestID: released)
            #expect(try await b.claim(requestID: released, lease: .seconds(30)) == .heldElsewhere, "only the holder releases")
            try await a.release(requestID: released)
            #expect(try await b.claim(requestID: released, lease: .seconds(30)).isGranted)

            // Retention: the record and the claims go together.
            #expect(try await a.lookup(requestID: id, now: Date().addingTimeInterval(31 * 86400)) == nil)
            #expect(try await a.purgeExpired(now: Date().addingTimeInterval(31 * 86400)) == 1)
            #expect(try await a.count() == 0)
            #expect(try await other.claim(requestID: id, lease: .seconds(1)).isGranted, "the purge took the old claim")

            // The database down: a typed, transient failure.
            try await server.halt()
            do {
                _ = try await a.claim(requestID: UUID(), lease: .seconds(1))
                Issue.record("a claim succeeded with the database down")
            } catch {
                #expect(error.code == .unavailable)
            }
        } catch {
            Issue.record("\(error)")
        }
        for task in tasks { task.cancel(); await task.value }
        await server.stop()
    }
}
