import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

/// The head witness file: every signed head also lands outside the database, so that cutting the tail together with
/// the signatures that covered it, which the database alone cannot show, is caught.
@Suite("Audit head witness")
struct AuditHeadWitnessTests {
    /// 30 records signed at 10, 20 and 30, with a witness file beside the database.
    func witnessedTrail(in dir: URL) async throws -> (StorageDatabase, AuditSigner, AuditHeadWitness) {
        let database = try await openDatabase(in: dir)
        let signer = AuditSigner.generate()
        let witness = AuditHeadWitness(path: dir.appendingPathComponent("audit-heads.jsonl").path)
        let log = AuditLog(database: database, signer: signer,
                           sealing: AuditSealingPolicy(everyRecords: 10, interval: .seconds(3600)), witness: witness)
        try await appendRecords(log, 30)
        await log.close()  // returns once every witness line is written
        #expect(log.statistics.witnessFailures == 0)
        return (database, signer, witness)
    }

    @Test("every signed head is appended to the witness file, with a signature that verifies")
    func everyHeadWitnessed() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer, witness) = try await witnessedTrail(in: dir)
            let (heads, unreadable) = try witness.read()
            #expect(heads.map(\.seq) == [10, 20, 30])
            #expect(unreadable == 0)
            let log = AuditLog(database: database, signer: nil)
            let stored = try await log.signatures()
            #expect(heads.map(\.headHash) == stored.map { Hex.encode($0.headHash) })
            await log.close()
            let report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey, witnessedHeads: heads)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.witnessedHeads == 3)
        }
    }

    @Test("a tail cut off with its signatures is invisible to the database alone, and caught by the witness at the first missing record")
    func truncationWithSignatures() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer, witness) = try await witnessedTrail(in: dir)
            try await rawSQL(database.path, """
                DELETE FROM audit_records WHERE seq > 17;
                DELETE FROM audit_signatures WHERE seq > 17;
                """)
            let alone = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(alone.isValid, "without the witness the cut is undetectable: \(alone.problems)")
            #expect(alone.unsignedTail == 7)

            let (heads, _) = try witness.read()
            let report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey, witnessedHeads: heads)
            #expect(report.firstProblem?.seq == 18)
            #expect(report.firstProblem?.kind == .truncatedTail)
        }
    }

    @Test("a chain rewritten and re-signed in the database still differs from the witnessed head")
    func rewrittenSignedHead() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer, witness) = try await witnessedTrail(in: dir)
            // The attacker cuts the chain at 20, rewrites record 20 with a recomputed hash, and deletes the signature
            // that shows it: the database alone is consistent again.
            try await rawSQL(database.path, """
                DELETE FROM audit_records WHERE seq > 20;
                DELETE FROM audit_signatures WHERE seq >= 20;
                """)
            try await AuditVerifierProbe.rewrite(database.path, from: 20) { $0.purpose = "retail" }
            let alone = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(alone.isValid, "\(alone.problems)")

            let (heads, _) = try witness.read()
            let report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey, witnessedHeads: heads)
            #expect(report.firstProblem?.seq == 20)
            #expect(report.firstProblem?.kind == .signedHeadMismatch)
        }
    }

    @Test("a torn last line is skipped; a forged line is a bad witness, not a trusted head")
    func tornAndForgedLines() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer, witness) = try await witnessedTrail(in: dir)
            var (heads, _) = try witness.read()
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: witness.path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"seq":40,"head_ha"#.utf8))
            try handle.close()
            let reread = try witness.read()
            #expect(reread.heads == heads)
            #expect(reread.unreadableLines == 1)

            var forged = heads[2]
            forged.seq = 45
            heads.append(forged)
            let report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey, witnessedHeads: heads)
            #expect(report.problems.map(\.kind) == [.badWitness])
            #expect(report.firstProblem?.seq == 45)
        }
    }
}
