import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

@Suite("AuditLog")
struct AuditLogTests {
    @Test("records are numbered from 1, chained from 32 zero bytes, and the chain verifies")
    func appendAndVerify() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: .generate(), sealing: AuditSealingPolicy(everyRecords: 10, interval: .seconds(3600)))
            let receipts = try await appendRecords(log, 25)
            #expect(receipts.map(\.seq) == Array(1...25))
            let entries = try await log.entries(seq: 1...25)
            #expect(entries.count == 25)
            #expect(entries[0].prevHash == [UInt8](repeating: 0, count: 32))
            for (entry, receipt) in zip(entries, receipts) { #expect(entry.hash == receipt.hash) }
            for i in 1..<entries.count { #expect(entries[i].prevHash == entries[i - 1].hash) }
            // Stored records read back as written (time to the ms, latency to the µs).
            #expect(entries[4].record == Fixture.record(4))
            #expect(try await log.signatures().map(\.seq) == [10, 20])
            let sealed = try await log.sealHead()
            #expect(sealed?.seq == 25)
            #expect(try await log.sealHead() == nil)  // nothing new to sign
            let report = try await AuditVerifier(database: database).verify(publicKey: log.signer?.publicKey)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.recordsChecked == 25)
            #expect(report.signaturesVerified == 3)
            #expect(report.lastSignedSeq == 25)
            #expect(report.unsignedTail == 0)
            #expect(report.keyPinned)
            #expect(try await database.integrityCheck() == ["ok"])
            await log.close()
        }
    }

    @Test("the canonical encoding is the documented byte layout")
    func canonicalEncodingLayout() {
        var row = AuditRow(record: AuditRecord(
            time: Date(timeIntervalSince1970: 1.5), requestID: "r", caller: AuditCaller(subject: "CN=a", fingerprint: "ff"),
            role: "ops", route: "GET /x", outcome: .completed, upstreamAttempts: 0, latency: .microseconds(7)))
        row.seq = 12
        var expected = Array("healthgate-audit-v1".utf8) + [0]
        func field(_ text: String?) {
            guard let text else { expected.append(0); return }
            let bytes = Array(text.utf8)
            expected += [1, 0, 0, 0, UInt8(bytes.count)] + bytes
        }
        for value in ["12", "1500", "r", "CN=a", "ff", "ops", "GET /x", nil, nil, nil, "completed", nil, nil, nil, nil, "0", "7"] {
            field(value)
        }
        #expect(AuditCanonicalEncoding.encoding(of: row) == expected)
        let prev = [UInt8](repeating: 9, count: 32)
        row.prevHash = prev
        #expect(AuditCanonicalEncoding.expectedHash(of: row) == Array(SHA256Digest(prev + expected)))
    }

    @Test("integer fields are encoded as ASCII decimal, as String(value) writes them", arguments: [
        Int64(0), 7, 9, 10, 99, 100, 1_234_567, -1, -10, Int64.max, Int64.min,
    ])
    func decimalFields(value: Int64) {
        var row = AuditRow(record: AuditRecord(
            time: Date(timeIntervalSince1970: 0), requestID: "r", caller: AuditCaller(subject: "CN=a", fingerprint: "ff"),
            role: "ops", route: "GET /x", outcome: .completed))
        row.latencyMicros = value
        let digits = Array(String(value).utf8)
        let body = AuditCanonicalEncoding.body(of: row)
        #expect(Array(body.suffix(digits.count + 5)) == [1, 0, 0, 0, UInt8(digits.count)] + digits)
        row.seq = value
        let full = AuditCanonicalEncoding.encoding(of: row)
        let prefix = Array("healthgate-audit-v1".utf8) + [0]
        #expect(Array(full.prefix(prefix.count + 5 + digits.count)) == prefix + [1, 0, 0, 0, UInt8(digits.count)] + digits)
        #expect(AuditCanonicalEncoding.hash(prevHash: row.prevHash, seq: value, body: body)
            == Array(SHA256Digest(row.prevHash + full)))
    }

    @Test("256 concurrent appends share transactions: all committed, distinct seqs, chain and file sound")
    func groupCommit() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: .generate(.ed25519), sealing: AuditSealingPolicy(everyRecords: 64))
            let receipts = try await withThrowingTaskGroup(of: AuditReceipt.self) { group in
                for n in 0..<256 {
                    group.addTask { try await log.append(Fixture.record(n)) }
                }
                var all: [AuditReceipt] = []
                for try await receipt in group { all.append(receipt) }
                return all
            }
            #expect(Set(receipts.map(\.seq)) == Set(1...256))
            let stats = log.statistics
            #expect(stats.records == 256)
            #expect(stats.transactions <= 256)
            #expect(stats.failedTransactions == 0)
            // Every acknowledged record is in the file, with the hash its receipt gave.
            let stored = Dictionary(uniqueKeysWithValues: try await log.entries(seq: 1...256).map { ($0.seq, $0.hash) })
            for receipt in receipts { #expect(stored[receipt.seq] == receipt.hash) }
            let report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems)")
            #expect(report.recordsChecked == 256)
            #expect(try await database.integrityCheck() == ["ok"])
            await log.close()
        }
    }

    @Test("prune removes the old prefix, leaves an anchor, and the rest (and what follows) still verifies")
    func pruneKeepsChainVerifiable() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let signer = AuditSigner.generate()
            let log = AuditLog(database: database, signer: signer, sealing: AuditSealingPolicy(everyRecords: 10, interval: .seconds(3600)))
            for n in 0..<100 {
                _ = try await log.append(Fixture.record(n, time: Fixture.t0.addingTimeInterval(Double(n))))
            }
            let result = try await log.prune(olderThan: Fixture.t0.addingTimeInterval(50))
            #expect(result.removedRecords == 50)
            #expect(result.anchorSeq == 50)
            var report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.anchorSeq == 50)
            #expect(report.seqRange == 51...100)
            // Pruning again with the same cutoff removes nothing.
            #expect(try await log.prune(olderThan: Fixture.t0.addingTimeInterval(50)).removedRecords == 0)
            try await appendRecords(log, 10, from: 100, time: Fixture.t0.addingTimeInterval(200))
            report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.seqRange == 51...110)
            // Tampering right after the anchor is still caught.
            try await rawSQL(database.path, "UPDATE audit_records SET prev_hash = zeroblob(32) WHERE seq = 51")
            report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(report.firstProblem?.seq == 51)
            #expect(report.firstProblem?.kind == .brokenLink)
            await log.close()
        }
    }

    @Test("pruning everything keeps the head in the anchor; the next record chains from it")
    func pruneEverything() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: nil)
            let receipts = try await appendRecords(log, 5)
            #expect(try await log.prune(olderThan: Fixture.t0.addingTimeInterval(3600)).removedRecords == 5)
            #expect(try await log.head() == receipts.last)
            let next = try await log.append(Fixture.record(9))
            #expect(next.seq == 6)
            let report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems)")
            #expect(report.seqRange == 6...6)
            await log.close()
        }
    }

    @Test("holder history lists who checked that holder, when and for what, and nobody else's checks")
    func holderHistory() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: nil)
            let alice = Fixture.holder("H-alice")
            let bob = Fixture.holder("H-bob")
            for n in 0..<6 {
                var record = Fixture.record(n, holder: n % 2 == 0 ? alice : bob)
                record.caller.subject = "CN=checkpoint-\(n)"
                _ = try await log.append(record)
            }
            _ = try await log.append(Fixture.record(6, holder: nil))
            let history = try await log.holderHistory(alice)
            #expect(history.map(\.seq) == [1, 3, 5])
            #expect(history.map(\.record.caller.subject) == ["CN=checkpoint-0", "CN=checkpoint-2", "CN=checkpoint-4"])
            #expect(history.allSatisfy { $0.record.purpose == "transport" && $0.record.holder == alice })
            await log.close()
        }
    }

    @Test("export writes JSON Lines for the time window, oldest first, with the chain hashes")
    func exportJSONLines() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: nil)
            for n in 0..<10 {
                _ = try await log.append(Fixture.record(n, time: Fixture.t0.addingTimeInterval(Double(n) * 60)))
            }
            let lines = LineCollector()
            let count = try await log.export(since: Fixture.t0.addingTimeInterval(120), until: Fixture.t0.addingTimeInterval(300)) {
                lines.append($0)
            }
            #expect(count == 3)
            let objects = try lines.all.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(objects.map { $0["seq"] as? Int } == [3, 4, 5])
            #expect(objects[0]["time"] as? String == "2026-01-01T08:02:00.002+08:00")
            #expect(objects[0]["route"] as? String == "POST /v1/verify")
            #expect(objects[0]["status"] as? String == "green")
            #expect(objects[0]["admits"] as? Bool == true)
            #expect((objects[0]["hash"] as? String)?.count == 64)
            #expect(objects[1]["prevHash"] as? String == objects[0]["hash"] as? String)
            #expect(objects[2]["errorCode"] as? String == "issuer-unavailable")
            #expect(lines.all.allSatisfy { !$0.contains("\n") })
            await log.close()
        }
    }

    @Test("a second writer (another process, the CLI) appending to the same file keeps one chain")
    func twoWritersOneChain() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let gateway = AuditLog(database: database, signer: nil)
            let cli = AuditLog(database: try await StorageDatabase.open(path: database.path), signer: nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<50 {
                    group.addTask { _ = try await (n % 3 == 0 ? cli : gateway).append(Fixture.record(n)) }
                }
                try await group.waitForAll()
            }
            let report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems)")
            #expect(report.seqRange == 1...50)
            await gateway.close()
            await cli.close()
        }
    }
}

/// Collects exported lines from the storage queue.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

import Crypto
import Synchronization

/// SHA-256 of bytes, as an array.
func SHA256Digest(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
