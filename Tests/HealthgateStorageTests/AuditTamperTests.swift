import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

/// Each test writes 30 records (heads signed at 10, 20 and 30), tampers with the file through raw SQL the way an
/// attacker with write access could, and expects `AuditVerifier` to name the right record.
@Suite("Audit tamper evidence")
struct AuditTamperTests {
    /// A signed trail of 30 records; returns the database and the signer.
    func signedTrail(in dir: URL) async throws -> (StorageDatabase, AuditSigner) {
        let database = try await openDatabase(in: dir)
        let signer = AuditSigner.generate()
        let log = AuditLog(database: database, signer: signer, sealing: AuditSealingPolicy(everyRecords: 10, interval: .seconds(3600)))
        try await appendRecords(log, 30)
        #expect(try await log.signatures().map(\.seq) == [10, 20, 30])
        await log.close()
        let clean = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
        #expect(clean.isValid, "\(clean.problems)")
        return (database, signer)
    }

    func firstProblem(_ database: StorageDatabase, _ signer: AuditSigner) async throws -> AuditProblem? {
        try await AuditVerifier(database: database).verify(publicKey: signer.publicKey).firstProblem
    }

    @Test("an edited field is a hash mismatch at that record")
    func editedField() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, "UPDATE audit_records SET purpose = 'retail' WHERE seq = 15")
            let problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 15)
            #expect(problem?.kind == .hashMismatch)
        }
    }

    @Test("a deleted row is a missing record at its seq")
    func deletedRow() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, "DELETE FROM audit_records WHERE seq = 15")
            let problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 15)
            #expect(problem?.kind == .missingRecord)
        }
    }

    @Test("two swapped rows break the link at the first of them")
    func swappedRows() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, """
                UPDATE audit_records SET seq = -1 WHERE seq = 15;
                UPDATE audit_records SET seq = 15 WHERE seq = 16;
                UPDATE audit_records SET seq = 16 WHERE seq = -1;
                """)
            let problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 15)
            #expect(problem?.kind == .brokenLink)
        }
    }

    @Test("a truncated tail is caught by the signed head beyond the end of the chain")
    func truncatedTail() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, "DELETE FROM audit_records WHERE seq > 25")
            let problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 26)
            #expect(problem?.kind == .truncatedTail)
        }
    }

    @Test("a replaced signature is caught at its head: garbage bytes, or a re-signature with another key")
    func replacedSignature() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, "UPDATE audit_signatures SET signature = randomblob(64) WHERE seq = 20")
            var problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 20)
            #expect(problem?.kind == .badSignature)

            // The attacker re-signs head 20 with a key of their own and registers that key in the file.
            let attacker = AuditSigner.generate()
            let row = try await AuditVerifierProbe.signature(database.path, seq: 20)
            let forged = try attacker.sign(AuditCanonicalEncoding.headMessage(seq: 20, hash: row.headHash, signedAtMs: row.signedAtMs))
            let key = attacker.publicKey
            try await rawSQL(database.path, """
                INSERT INTO audit_keys VALUES ('\(key.keyID)', '\(key.algorithm.rawValue)', X'\(Hex.encode(key.subjectPublicKeyInfo))', 0);
                UPDATE audit_signatures SET key_id = '\(key.keyID)', signature = X'\(Hex.encode(forged))' WHERE seq = 20;
                """)
            // With the operator's pinned key the forgery is named…
            problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 20)
            #expect(problem?.kind == .unknownKey)
            // …without it the file vouches for itself, and the report says so.
            let unpinned = try await AuditVerifier(database: database).verify()
            #expect(!unpinned.keyPinned)
        }
    }

    @Test("a rewritten and re-hashed chain no longer matches the signed head after it")
    func rewrittenAndRehashed() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await AuditVerifierProbe.rewrite(database.path, from: 15) { $0.purpose = "retail" }
            let report = try await AuditVerifier(database: database).verify(publicKey: signer.publicKey)
            #expect(report.firstProblem?.seq == 20)
            #expect(report.firstProblem?.kind == .signedHeadMismatch)
            #expect(report.firstProblem?.detail.contains("11…20") == true)
        }
    }

    @Test("an edited signed head's hash is caught even when the record itself is left alone")
    func editedHeadHash() async throws {
        try await withTemporaryDirectory { dir in
            let (database, signer) = try await signedTrail(in: dir)
            try await rawSQL(database.path, "UPDATE audit_signatures SET head_hash = zeroblob(32) WHERE seq = 10")
            let problem = try await firstProblem(database, signer)
            #expect(problem?.seq == 10)
            #expect(problem?.kind == .badSignature)
        }
    }
}

/// Raw access for the tamper tests: what an attacker with the file could do.
enum AuditVerifierProbe {
    static func signature(_ path: String, seq: Int64) async throws -> (headHash: [UInt8], signedAtMs: Int64) {
        let queue = SQLiteQueue(label: "test.probe", path: path, readOnly: false, busyDeadline: .seconds(5), synchronous: .full)
        defer { Task { await queue.close() } }
        return try await queue.run { (db) throws(StorageError) -> (headHash: [UInt8], signedAtMs: Int64) in
            try db.withStatement("SELECT head_hash, signed_at_ms FROM audit_signatures WHERE seq = ?1") {
                (s) throws(StorageError) -> (headHash: [UInt8], signedAtMs: Int64) in
                try s.bind(seq, at: 1)
                _ = try s.step()
                return (s.blob(0) ?? [], s.int64(1))
            }
        }
    }

    /// Edits the records from `seq` on and recomputes every hash after, as a careful attacker would.
    static func rewrite(_ path: String, from seq: Int64, _ edit: @escaping @Sendable (inout AuditRow) -> Void) async throws {
        let queue = SQLiteQueue(label: "test.probe", path: path, readOnly: false, busyDeadline: .seconds(5), synchronous: .full)
        try await queue.run { (db) throws(StorageError) in
            try db.transaction { () throws(StorageError) in
                let rows = try db.withStatement("SELECT \(AuditRow.columns) FROM audit_records WHERE seq >= ?1 ORDER BY seq") {
                    (s) throws(StorageError) -> [AuditRow] in
                    try s.bind(seq, at: 1)
                    var rows: [AuditRow] = []
                    while try s.step() { rows.append(AuditRow(statement: s)) }
                    return rows
                }
                var prev = rows.first?.prevHash ?? []
                for var row in rows {
                    if row.seq == seq { edit(&row) }
                    row.prevHash = prev
                    row.hash = AuditCanonicalEncoding.expectedHash(of: row)
                    prev = row.hash
                    try db.withStatement("DELETE FROM audit_records WHERE seq = ?1") { (s) throws(StorageError) in
                        try s.bind(row.seq, at: 1)
                        try s.step()
                    }
                    try db.withStatement(AuditLog.insertSQL) { (s) throws(StorageError) in
                        try row.bind(to: s)
                        try s.step()
                    }
                }
            }
        }
        await queue.close()
    }
}
