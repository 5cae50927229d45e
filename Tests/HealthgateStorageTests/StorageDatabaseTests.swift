import Foundation
import Testing
@testable import HealthgateStorage

@Suite("StorageDatabase")
struct StorageDatabaseTests {
    @Test("open creates and migrates once; WAL mode; user_version is the schema version")
    func migrates() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            #expect(database.schemaVersion == SchemaMigrations.latestVersion)
            let again = try await StorageDatabase.open(path: database.path)
            #expect(again.schemaVersion == SchemaMigrations.latestVersion)
            #expect(try await rawScalar(database.path, "PRAGMA user_version") == Int64(SchemaMigrations.latestVersion))
            let queue = SQLiteQueue(label: "test", path: database.path, readOnly: false, busyDeadline: .seconds(1), synchronous: .full)
            let mode = try await queue.run { (db) throws(StorageError) -> [String] in try db.textColumn("PRAGMA journal_mode") }
            await queue.close()
            #expect(mode == ["wal"])
            #expect(try await database.integrityCheck() == ["ok"])
        }
    }

    @Test("a database from a newer build is refused with storage-schema")
    func newerSchemaRefused() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            try await rawSQL(database.path, "PRAGMA user_version = 999")
            await #expect(throws: StorageError(.schema, "the database has schema version 999; this build knows up to \(SchemaMigrations.latestVersion)")) {
                _ = try await StorageDatabase.open(path: database.path)
            }
        }
    }

    @Test("SQLite failures map to stable codes: not a database is storage-corrupt, a missing directory storage-cannot-open")
    func errorCodes() async throws {
        try await withTemporaryDirectory { dir in
            let garbage = dir.appendingPathComponent("garbage.sqlite")
            try Data(repeating: 0x5A, count: 8192).write(to: garbage)
            do throws(StorageError) {
                _ = try await StorageDatabase.open(path: garbage.path)
                Issue.record("a garbage file opened as a database")
            } catch {
                #expect(error.code == .corrupt)
                #expect(!error.detail.contains("ZZZZ"))
            }
            do throws(StorageError) {
                _ = try await StorageDatabase.open(path: dir.appendingPathComponent("missing/dir/x.sqlite").path)
                Issue.record("a database in a missing directory opened")
            } catch {
                #expect(error.code == .cannotOpen)
            }
        }
    }

    @Test("audit signing keys read from PEM: P-256 and Ed25519, private and public")
    func signingKeysFromPEM() throws {
        for algorithm in [AuditSigningAlgorithm.p256, .ed25519] {
            let signer = AuditSigner.generate(algorithm)
            let reread = try AuditSigner(pem: signer.pemRepresentation)
            #expect(reread.publicKey == signer.publicKey)
            let pub = try AuditPublicKey(pem: signer.publicKey.pemRepresentation)
            #expect(pub == signer.publicKey)
            let message = Array("head".utf8)
            #expect(pub.isValidSignature(try signer.sign(message), for: message))
            #expect(!pub.isValidSignature(try signer.sign(message), for: Array("other".utf8)))
        }
        #expect(throws: StorageError.self) { try AuditSigner(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }
}
