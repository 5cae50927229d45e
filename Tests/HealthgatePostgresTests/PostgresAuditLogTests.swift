import Foundation
import HealthgateModel
@testable import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateStorage
import Synchronization
import Testing

/// The audit trail on a real PostgreSQL: one hash chain per replica, written concurrently, verified, exported,
/// queried and pruned across chains; tampering shows in the chain it touched; a stopped database refuses records
/// (fail closed) and the chain goes on after it is back.
@Suite("audit chains on PostgreSQL", .serialized)
struct PostgresAuditLogTests {
    /// A replica's pool and chain, running until `stop`.
    final class Replica: Sendable {
        let pool: PostgresDatabase
        let log: PostgresAuditLog
        let task: Task<Void, Never>
        let witnessPath: String

        init(_ name: String, server: PostgresTestServer, signer: AuditSigner?, everyRecords: Int = 50,
             commitDeadline: Duration = .seconds(5), unixSocket: Bool = false) {
            pool = PostgresDatabase(settings: server.settings(replicaId: name, unixSocket: unixSocket))
            witnessPath = server.folder.appendingPathComponent("\(name)-heads.jsonl").path
            log = PostgresAuditLog(database: pool, signer: signer, sealing: AuditSealingPolicy(everyRecords: everyRecords),
                                   witness: AuditHeadWitness(path: witnessPath), commitDeadline: commitDeadline)
            let pool = self.pool
            task = Task { try? await pool.run() }
        }

        func stop() async {
            await log.close()
            task.cancel()
            await task.value
        }

        var witnessed: [AuditHeadWitness.Head] {
            (try? AuditHeadWitness(path: witnessPath).read().heads) ?? []
        }
    }

    static func record(_ n: Int, holder: HolderPseudonym? = nil, replica: String) -> AuditRecord {
        AuditRecord(time: Date(), requestID: "\(replica)-\(n)",
                    caller: AuditCaller(subject: "CN=checkpoint-\(n % 7)", fingerprint: "f\(n % 7)"), role: "checkpoint",
                    route: "POST /v1/verify", purpose: "transport", issuer: .hangzhou, holder: holder,
                    outcome: .verified(status: .green, freshness: .live, admits: true), upstreamAttempts: 1,
                    latency: .microseconds(420 + n))
    }

    func withServer(_ body: (PostgresTestServer) async throws -> Void) async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        do {
            try await PostgresDatabase.migrate(server.settings(replicaId: "migrate"))
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Appends `count` records from `writers` concurrent tasks; the receipts.
    static func load(_ log: PostgresAuditLog, replica: String, count: Int, writers: Int,
                     holder: HolderPseudonym? = nil) async throws -> [AuditReceipt] {
        try await withThrowingTaskGroup(of: [AuditReceipt].self) { group in
            for w in 0..<writers {
                group.addTask {
                    var receipts: [AuditReceipt] = []
                    for n in stride(from: w, to: count, by: writers) {
                        receipts.append(try await log.append(record(n, holder: n % 50 == 0 ? holder : nil, replica: replica)))
                    }
                    return receipts
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    @Test("two replicas write their own chains at once: each is gapless, verifies with the pinned key and its witness, and names its replica")
    func twoChains() async throws {
        try await withServer { server in
            let signer = AuditSigner.generate(.ed25519)
            let a = Replica("replica-a", server: server, signer: signer)
            let b = Replica("replica-b", server: server, signer: signer, unixSocket: true)
            let holder = Fixture.holder("audited")
            async let receiptsA = Self.load(a.log, replica: "replica-a", count: 600, writers: 16, holder: holder)
            async let receiptsB = Self.load(b.log, replica: "replica-b", count: 400, writers: 16, holder: holder)
            let (ra, rb) = try await (receiptsA, receiptsB)
            #expect(ra.map(\.seq).sorted() == Array(1...600))
            #expect(rb.map(\.seq).sorted() == Array(1...400))
            #expect(a.log.statistics.largestBatch > 1, "16 writers never shared a commit")
            _ = try await a.log.sealHead()
            _ = try await b.log.sealHead()
            #expect(try await a.log.head().seq == 600)
            #expect(try await b.log.lastSignature()?.seq == 400)
            let entries = try await a.log.entries(seq: 1...600)
            #expect(entries.count == 600)
            #expect(entries.first?.prevHash == AuditCanonicalEncoding.genesisHash(replica: "replica-a"))

            let archive = PostgresAuditArchive(settings: server.settings(replicaId: "cli"))
            let reports = try await archive.verify(publicKey: signer.publicKey, witnessedHeads: a.witnessed + b.witnessed)
            #expect(reports.map(\.replica) == ["replica-a", "replica-b"])
            for chain in reports {
                #expect(chain.report.isValid, "\(chain.replica): \(chain.report.problems.prefix(3))")
                #expect(chain.report.keyPinned)
                #expect(chain.report.unsignedTail == 0)
                #expect(chain.report.witnessedHeads > 0)
            }
            #expect(reports.map(\.report.recordsChecked) == [600, 400])

            // "Who checked my code", from both replicas; the export names each record's chain.
            let history = try await archive.holderHistory(holder)
            #expect(Set(history.map(\.replica)) == ["replica-a", "replica-b"])
            #expect(history.count == 12 + 8)
            let lines = Mutex<[String]>([])
            let exported = try await archive.export(since: nil, until: nil) { line in lines.withLock { $0.append(line) } }
            #expect(exported == 1000)
            let first = try JSONSerialization.jsonObject(with: Data(lines.withLock { $0[0] }.utf8)) as? [String: Any]
            #expect(["replica-a", "replica-b"].contains(first?["replica"] as? String ?? ""))
            await a.stop()
            await b.stop()
        }
    }

    @Test("two processes on one replica's chain (the gateway and the CLI) chain one after the other")
    func oneChainTwoWriters() async throws {
        try await withServer { server in
            let first = Replica("replica-a", server: server, signer: nil)
            let second = Replica("replica-a", server: server, signer: nil, unixSocket: true)
            async let one = Self.load(first.log, replica: "one", count: 300, writers: 8)
            async let two = Self.load(second.log, replica: "two", count: 300, writers: 8)
            let receipts = try await one + two
            #expect(receipts.map(\.seq).sorted() == Array(1...600))
            let reports = try await PostgresAuditArchive(settings: server.settings(replicaId: "cli")).verify()
            #expect(reports.count == 1)
            #expect(reports.first?.report.isValid == true, "\(reports.first?.report.problems.prefix(3) ?? [])")
            await first.stop()
            await second.stop()
        }
    }

    @Test("tampering shows in the chain it touched: an edited field, a record moved to another chain, a tail cut with its signatures")
    func tampering() async throws {
        try await withServer { server in
            let signer = AuditSigner.generate(.p256)
            let a = Replica("replica-a", server: server, signer: signer, everyRecords: 10)
            let b = Replica("replica-b", server: server, signer: signer, everyRecords: 10)
            _ = try await Self.load(a.log, replica: "a", count: 60, writers: 4)
            _ = try await Self.load(b.log, replica: "b", count: 60, writers: 4)
            _ = try await a.log.sealHead()
            _ = try await b.log.sealHead()
            let witnessed = a.witnessed + b.witnessed
            await a.stop()
            await b.stop()
            let archive = PostgresAuditArchive(settings: server.settings(replicaId: "cli"))

            // An edited field in B's chain: B fails at that record, A stays clean.
            try await server.execute("UPDATE audit_records SET outcome = 'failed', error_code = 'forbidden', status = NULL, freshness = NULL, admits = NULL WHERE replica_id = 'replica-b' AND seq = 17")
            var reports = try await archive.verify(publicKey: signer.publicKey, witnessedHeads: witnessed)
            #expect(reports.first { $0.replica == "replica-a" }?.report.isValid == true)
            let bReport = try #require(reports.first { $0.replica == "replica-b" }?.report)
            #expect(bReport.firstProblem?.seq == 17)
            #expect(bReport.firstProblem?.kind == .hashMismatch)

            // A's record 61 is copied to B's chain as its 61: its hash names A's chain, so B's link breaks.
            try await server.execute("""
                INSERT INTO audit_records SELECT 'replica-b', 61, time_ms, request_id, caller_subject, caller_fingerprint,
                    role, route, purpose, issuer, holder, outcome, status, freshness, admits, error_code, upstream_attempts,
                    latency_us, prev_hash, hash FROM audit_records WHERE replica_id = 'replica-a' AND seq = 60
                """)
            reports = try await archive.verify(publicKey: signer.publicKey, witnessedHeads: witnessed)
            let moved = try #require(reports.first { $0.replica == "replica-b" }?.report)
            #expect(moved.problems.contains { $0.seq == 61 && $0.kind == .brokenLink })

            // A's last 25 records removed together with their signatures: only the witness file shows it.
            try await server.execute("DELETE FROM audit_records WHERE replica_id = 'replica-a' AND seq > 35")
            try await server.execute("DELETE FROM audit_signatures WHERE replica_id = 'replica-a' AND seq > 35")
            reports = try await archive.verify(publicKey: signer.publicKey)
            #expect(reports.first { $0.replica == "replica-a" }?.report.isValid == true,
                    "without the witness the cut cannot show")
            reports = try await archive.verify(publicKey: signer.publicKey, witnessedHeads: witnessed)
            let cut = try #require(reports.first { $0.replica == "replica-a" }?.report)
            #expect(cut.problems.contains { $0.kind == .truncatedTail })

            // A whole chain deleted: its witness still names it.
            try await server.execute("DELETE FROM audit_records WHERE replica_id = 'replica-a'")
            try await server.execute("DELETE FROM audit_signatures WHERE replica_id = 'replica-a'")
            reports = try await archive.verify(publicKey: signer.publicKey, witnessedHeads: witnessed)
            #expect(reports.first { $0.replica == "replica-a" }?.report.problems.contains { $0.kind == .truncatedTail } == true)
        }
    }

    @Test("the database stopped: appends fail with storage-unavailable by the deadline, nothing is acknowledged; after restart the chain goes on")
    func failClosed() async throws {
        try await withServer { server in
            let signer = AuditSigner.generate(.ed25519)
            let a = Replica("replica-a", server: server, signer: signer, commitDeadline: .seconds(2))
            _ = try await Self.load(a.log, replica: "a", count: 100, writers: 8)
            try await server.halt()
            let started = ContinuousClock.now
            var refused = 0
            await withTaskGroup(of: Bool.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        do throws(StorageError) {
                            _ = try await a.log.append(Self.record(1000 + n, replica: "a"))
                            return false
                        } catch {
                            return error.code == .unavailable
                        }
                    }
                }
                for await wasRefused in group where wasRefused { refused += 1 }
            }
            #expect(refused == 20)
            #expect(ContinuousClock.now - started < .seconds(8), "appends waited past the commit deadline")
            try await server.startAgain()
            var receipt: AuditReceipt?
            for _ in 0..<100 where receipt == nil {
                receipt = try? await a.log.append(Self.record(2000, replica: "a"))
                if receipt == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(receipt?.seq == 101)
            _ = try await a.log.sealHead()
            await a.stop()
            let reports = try await PostgresAuditArchive(settings: server.settings(replicaId: "cli"))
                .verify(publicKey: signer.publicKey, witnessedHeads: a.witnessed)
            #expect(reports.first?.report.isValid == true, "\(reports.first?.report.problems.prefix(3) ?? [])")
            #expect(reports.first?.report.recordsChecked == 101)
        }
    }

    @Test("pruning cuts each chain's old prefix and leaves an anchor: every chain still verifies")
    func prune() async throws {
        try await withServer { server in
            let signer = AuditSigner.generate(.ed25519)
            let a = Replica("replica-a", server: server, signer: signer, everyRecords: 10)
            let b = Replica("replica-b", server: server, signer: signer, everyRecords: 10)
            _ = try await Self.load(a.log, replica: "a", count: 40, writers: 1)
            _ = try await Self.load(b.log, replica: "b", count: 30, writers: 1)
            try await Task.sleep(for: .milliseconds(20))
            let cutoff = Date()
            try await Task.sleep(for: .milliseconds(20))
            _ = try await Self.load(a.log, replica: "a2", count: 15, writers: 1)
            _ = try await a.log.sealHead()
            _ = try await b.log.sealHead()
            let archive = PostgresAuditArchive(settings: server.settings(replicaId: "cli"))
            let results = try await archive.prune(olderThan: cutoff)
            #expect(results["replica-a"]?.removedRecords == 40)
            #expect(results["replica-a"]?.anchorSeq == 40)
            #expect(results["replica-b"]?.removedRecords == 30)
            #expect(results["replica-b"]?.anchorSeq == 30)
            let reports = try await archive.verify(publicKey: signer.publicKey)
            for chain in reports { #expect(chain.report.isValid, "\(chain.replica): \(chain.report.problems.prefix(3))") }
            // The chain goes on after its anchor.
            let next = try await a.log.append(Self.record(99, replica: "a3"))
            #expect(next.seq == 56)
            await a.stop()
            await b.stop()
        }
    }

    @Test("text that COPY must escape (tabs, newlines, backslashes, \\N, Chinese) comes back as written and verifies")
    func escaping() async throws {
        try await withServer { server in
            let signer = AuditSigner.generate(.ed25519)
            let a = Replica("replica-a", server: server, signer: signer)
            let awkward = ["CN=王\t五,O=杭州\\地铁", "line\nbreak\r", "\\N", "", "\\x00ff", "tab\tend\\"]
            var written: [AuditRecord] = []
            for (n, text) in awkward.enumerated() {
                let record = AuditRecord(time: Date(), requestID: text, caller: AuditCaller(subject: text, fingerprint: "-"),
                                         role: "checkpoint", route: "POST /v1/verify", purpose: n % 2 == 0 ? text : nil,
                                         issuer: nil, holder: nil, outcome: .failed(code: text), upstreamAttempts: n,
                                         latency: .microseconds(n))
                _ = try await a.log.append(record)
                written.append(record)
            }
            let entries = try await a.log.entries(seq: 1...Int64(awkward.count))
            #expect(entries.map(\.record.requestID) == awkward)
            #expect(entries.map(\.record.caller.subject) == awkward)
            #expect(entries.map(\.record.purpose) == written.map(\.purpose))
            #expect(entries.map(\.record.outcome) == written.map(\.outcome))
            _ = try await a.log.sealHead()
            await a.stop()
            let reports = try await PostgresAuditArchive(settings: server.settings(replicaId: "cli"))
                .verify(publicKey: signer.publicKey, witnessedHeads: a.witnessed)
            #expect(reports.first?.report.isValid == true, "\(reports.first?.report.problems.prefix(3) ?? [])")
        }
    }
}
