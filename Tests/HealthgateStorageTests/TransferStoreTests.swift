import Foundation
import HealthgateModel
import Testing
@testable import HealthgateStorage

@Suite("TransferStore")
struct TransferStoreTests {
    /// The middle of a millisecond: the store keeps whole milliseconds and reads them back as their middle.
    let t0 = Fixture.t0.addingTimeInterval(0.0005)
    /// Looks like an ID number; lives only under Tests/.
    static let idNumber = "330106199001011237"

    func transfer(_ id: UUID = UUID(), created: Date, outcome: String = StoredTransfer.done) -> StoredTransfer {
        let answer = #"{"explanation":"yellow: key-area travel","holder":"\#(Fixture.holder("S-1", issuer: .shanghai))","maskedName":"刘*","replayed":false}"#
        return StoredTransfer(
            requestID: id, created: created, fingerprint: String(repeating: "ab", count: 32), originIssuer: .hangzhou,
            originHolder: Fixture.holder("H-1"), originStatus: .yellow,
            originReasons: [Reason(code: .keyAreaTravel, native: "R12")],
            originObservationEnds: LocalDate(year: 2026, month: 1, day: 7), originAsOf: created.addingTimeInterval(-1),
            homeHolder: Fixture.holder("S-1", issuer: .shanghai), homeStatus: .yellow,
            homeReasons: [Reason(code: .keyAreaTravel, native: "SH-KEYAREA-ARRIVAL")],
            homeObservationEnds: LocalDate(year: 2026, month: 1, day: 8), outcome: outcome,
            explanation: "yellow: key-area travel; observation ends 8 January", answer: Array(answer.utf8))
    }

    @Test("a saved transfer comes back whole by request id; the first save of an id wins; unknown ids are nil")
    func saveAndLookup() async throws {
        try await withTemporaryDirectory { dir in
            let store = TransferStore(database: try await openDatabase(in: dir))
            let first = transfer(created: t0)
            #expect(try await store.lookup(requestID: first.requestID, now: t0) == nil)
            let saved = try await store.save(first)
            #expect(saved == first)
            #expect(try await store.lookup(requestID: first.requestID, now: t0.addingTimeInterval(60)) == first)

            var other = transfer(first.requestID, created: t0.addingTimeInterval(5), outcome: "policy-conflict")
            other.homeStatus = .green
            other.homeObservationEnds = nil
            #expect(try await store.save(other) == first)
            #expect(try await store.lookup(requestID: UUID(), now: t0) == nil)
            #expect(try await store.count() == 1)
            await store.close()
        }
    }

    @Test("a row survives closing and reopening the database")
    func survivesReopen() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let store = TransferStore(database: database)
            let saved = try await store.save(transfer(created: t0))
            await store.close()
            await database.close()

            let reopened = TransferStore(database: try await openDatabase(in: dir))
            #expect(try await reopened.lookup(requestID: saved.requestID, now: t0) == saved)
            await reopened.close()
        }
    }

    @Test("rows past the retention are not answered, then purged")
    func retention() async throws {
        try await withTemporaryDirectory { dir in
            let store = TransferStore(database: try await openDatabase(in: dir), retention: .seconds(3600))
            let old = try await store.save(transfer(created: t0))
            let recent = try await store.save(transfer(created: t0.addingTimeInterval(1800)))
            let later = t0.addingTimeInterval(3601)
            #expect(try await store.lookup(requestID: old.requestID, now: later) == nil)
            #expect(try await store.lookup(requestID: recent.requestID, now: later) == recent)
            #expect(try await store.purgeExpired(now: later) == 1)
            #expect(try await store.count() == 1)
            #expect(TransferStore.defaultRetention == .seconds(30 * 86_400))
            await store.close()
        }
    }

    @Test("migrating a version-1 database keeps its audit rows, drops its per-holder cache rows, adds the later tables")
    func migrationFromVersion1() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("healthgate.sqlite").path
            // A version-1 database written by the current code: the audit trail and the cache, no transfers table.
            let database = try await openDatabase(in: dir)
            let log = AuditLog(database: database, signer: .generate())
            for n in 0..<20 { _ = try await log.append(Fixture.record(n)) }
            // A cache entry of schema version 1: keyed per holder, with no validity.
            try await rawSQL(path, """
                INSERT INTO cache_entries (issuer, key, holder, result, as_of_ms, valid_until_ms, expires_ms)
                VALUES ('330100', x'00', 'hg1:old', x'7b7d', 0, NULL, 9999999999999)
                """)
            await log.close()
            await database.close()
            try await rawSQL(path, "DROP TABLE transfers; DROP TABLE holder_notices; DROP TABLE transfer_claims; PRAGMA user_version = 1;")
            #expect(try await rawScalar(path, "PRAGMA user_version") == 1)

            let migrated = try await openDatabase(in: dir)
            #expect(migrated.schemaVersion == SchemaMigrations.latestVersion)
            #expect(try await rawScalar(path, "SELECT COUNT(*) FROM audit_records") == 20)
            let report = try await AuditVerifier(database: migrated).verify()
            #expect(report.isValid)
            #expect(report.recordsChecked == 20)
            let reopenedCache = VerificationCache(database: migrated)
            // Step 3 drops entries cached per holder: under the code-keyed rule they could answer a code never seen.
            #expect(try await reopenedCache.count() == 0)
            #expect(try await reopenedCache.notice(issuer: .hangzhou, holder: Fixture.holder("H-9")) == nil)
            let store = TransferStore(database: migrated)
            let saved = try await store.save(transfer(created: t0))
            #expect(try await store.lookup(requestID: saved.requestID, now: t0) == saved)
            #expect(try await store.claim(requestID: saved.requestID, lease: .seconds(1), now: t0).isGranted)
            await reopenedCache.close()
            await store.close()
            await migrated.close()
        }
    }

    @Test("the file and its write-ahead log hold no ID number: only what the row is given, and it is given none")
    func nothingPersonal() async throws {
        try await withTemporaryDirectory { dir in
            let store = TransferStore(database: try await openDatabase(in: dir))
            for n in 0..<5 { try await store.save(transfer(created: t0.addingTimeInterval(Double(n)))) }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasPrefix("healthgate.sqlite") {
                let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
                #expect(bytes.range(of: Data(Self.idNumber.utf8)) == nil)
                #expect(bytes.range(of: Data("刘明".utf8)) == nil)
            }
            await store.close()
        }
    }

    @Test("a claim keeps its first arrival time across claims (a rerun after a crash), until released or purged")
    func claims() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await openDatabase(in: dir)
            let store = TransferStore(database: database)
            let id = UUID()
            let first = try await store.claim(requestID: id, lease: .seconds(10), now: t0)
            #expect(first == .granted(arrivalTime: TransferStore.Row.date(milliseconds: TransferStore.Row.milliseconds(t0))))
            #expect(try await store.claim(requestID: id, lease: .seconds(10), now: t0.addingTimeInterval(60)) == first)
            try await store.release(requestID: id)
            let later = t0.addingTimeInterval(120)
            #expect(try await store.claim(requestID: id, lease: .seconds(10), now: later)
                    == .granted(arrivalTime: TransferStore.Row.date(milliseconds: TransferStore.Row.milliseconds(later))))
            _ = try await store.purgeExpired(now: later.addingTimeInterval(31 * 86400))
            let afterPurge = t0.addingTimeInterval(200)
            #expect(try await store.claim(requestID: id, lease: .seconds(10), now: afterPurge)
                    == .granted(arrivalTime: TransferStore.Row.date(milliseconds: TransferStore.Row.milliseconds(afterPurge))))
            await store.close()
            await database.close()
        }
    }
}
