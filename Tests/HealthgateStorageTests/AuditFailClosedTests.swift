import Foundation
import HealthgateChildProcess
import HealthgateModel
import Testing
@testable import HealthgateStorage

#if canImport(Glibc)
import Glibc
#endif

@Suite("Audit fails closed")
struct AuditFailClosedTests {
    /// Makes the file unwritable: chmod 0444, or for root (who ignores modes) the immutable attribute.
    /// Returns `nil` when neither is possible here.
    static func makeReadOnly(_ path: String) -> (() -> Void)? {
        if getuid() != 0 {
            guard chmod(path, 0o444) == 0 else { return nil }
            return { _ = chmod(path, 0o644) }
        }
        guard run("/usr/bin/chattr", ["+i", path]) else { return nil }
        return { _ = run("/usr/bin/chattr", ["-i", path]) }
    }

    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return false }
        return SpawnedChild.runSynchronously(tool, arguments).termination == .exited(0)
    }

    @Test("a read-only database file makes append throw (audit-unavailable) and recovers once writable again")
    func readOnlyFileThenRecovery() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("healthgate.sqlite").path
            let first = AuditLog(database: try await StorageDatabase.open(path: path), signer: nil)
            try await appendRecords(first, 3)
            await first.close()

            guard let restore = Self.makeReadOnly(path) else {
                Issue.record("cannot make a file read-only here (neither chmod as non-root nor chattr as root)")
                return
            }
            var restored = false
            defer { if !restored { restore() } }

            // The gateway starts on a migrated but unwritable file: open succeeds, appends fail closed.
            let database = try await StorageDatabase.open(path: path)
            let log = AuditLog(database: database, signer: .generate())
            for attempt in 0..<3 {
                do throws(StorageError) {
                    _ = try await log.append(Fixture.record(100 + attempt))
                    Issue.record("an append to a read-only file was acknowledged")
                } catch {
                    #expect(error.code == .readOnly)
                    #expect(error.isTransient)
                    #expect(error.auditUnavailable.code == .auditUnavailable)
                    #expect(error.auditUnavailable.code.httpStatus == 503)
                }
            }
            #expect(log.statistics.failedRecords == 3)

            restore()
            restored = true
            let receipt = try await log.append(Fixture.record(200))
            #expect(receipt.seq == 4)  // nothing of the failed batches was committed
            let report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems)")
            #expect(report.recordsChecked == 4)
            #expect(try await database.integrityCheck() == ["ok"])
            await log.close()
        }
    }

    @Test("a lock held past the deadline fails the append with storage-busy, and the next append succeeds")
    func lockedPastDeadline() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("healthgate.sqlite").path
            let database = try await StorageDatabase.open(path: path, options: StorageOptions(busyDeadline: .milliseconds(100)))
            let log = AuditLog(database: database, signer: nil)
            try await appendRecords(log, 2)
            // Another connection takes the write lock and keeps it.
            let holder = SQLiteQueue(label: "test.locker", path: path, readOnly: false, busyDeadline: .seconds(1), synchronous: .full)
            try await holder.run { (db) throws(StorageError) in try db.execute("BEGIN IMMEDIATE") }
            await #expect(throws: StorageError.self) { _ = try await log.append(Fixture.record(50)) }
            do throws(StorageError) {
                _ = try await log.append(Fixture.record(51))
            } catch {
                #expect(error.code == .busy)
            }
            try await holder.run { (db) throws(StorageError) in try db.execute("ROLLBACK") }
            await holder.close()
            #expect(try await log.append(Fixture.record(52)).seq == 3)
            #expect(try await AuditVerifier(database: database).verify().isValid)
            await log.close()
        }
    }
}
