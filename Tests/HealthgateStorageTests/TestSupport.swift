import Dispatch
import Foundation
import HealthgateModel
@testable import HealthgateStorage

/// A temporary directory for one test, removed afterwards (even when the test fails).
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("healthgate-storage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Opens a fresh database in `directory`.
func openDatabase(in directory: URL, name: String = "healthgate.sqlite") async throws -> StorageDatabase {
    try await StorageDatabase.open(path: directory.appendingPathComponent(name).path)
}

/// Runs raw SQL against the file on a connection of its own, off the cooperative pool (tampering, inspection).
func rawSQL(_ path: String, _ sql: String) async throws {
    let queue = SQLiteQueue(label: "test.raw", path: path, readOnly: false, busyDeadline: .seconds(5), synchronous: .full)
    try await queue.run { (db) throws(StorageError) in try db.execute(sql) }
    await queue.close()
}

/// The integer answer of a one-value query.
func rawScalar(_ path: String, _ sql: String) async throws -> Int64? {
    let queue = SQLiteQueue(label: "test.raw", path: path, readOnly: false, busyDeadline: .seconds(5), synchronous: .full)
    let value = try await queue.run { (db) throws(StorageError) -> Int64? in try db.scalarInt(sql) }
    await queue.close()
    return value
}

/// Test fixtures: pseudonyms and records that look like the gateway's.
enum Fixture {
    static let pseudonymKey = PseudonymKey(bytes: [UInt8](repeating: 7, count: 32))!

    static func holder(_ ref: String, issuer: RegionCode = .hangzhou) -> HolderPseudonym {
        pseudonymKey.pseudonym(issuer: issuer, holderRef: ref)
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T08:00:00+08:00

    static func record(_ n: Int, time: Date = t0, holder: HolderPseudonym? = Fixture.holder("H-0001")) -> AuditRecord {
        AuditRecord(
            time: time.addingTimeInterval(Double(n) * 0.001), requestID: "req-\(n)",
            caller: AuditCaller(subject: "CN=checkpoint-7,O=Hangzhou Metro", fingerprint: String(repeating: "ab", count: 32)),
            role: "checkpoint", route: "POST /v1/verify", purpose: "transport", issuer: .hangzhou, holder: holder,
            outcome: n % 5 == 4 ? .failed(.issuerUnavailable) : .verified(status: .green, freshness: .live, admits: true),
            upstreamAttempts: 1, latency: .microseconds(1234 + n))
    }

    static func result(holder: HolderPseudonym, status: HealthStatus = .green, asOf: Date, issuer: RegionCode = .hangzhou)
        -> VerificationResult
    {
        VerificationResult(issuer: issuer, holder: holder, status: status, reasons: Reason.absent(for: status),
                           statusSince: asOf.addingTimeInterval(-86400), observationEnds: nil, maskedName: "刘*",
                           asOf: asOf, freshness: .live)
    }
}

/// Appends `count` records one after another.
@discardableResult
func appendRecords(_ log: AuditLog, _ count: Int, from start: Int = 0, time: Date = Fixture.t0) async throws -> [AuditReceipt] {
    var receipts: [AuditReceipt] = []
    for n in start..<(start + count) {
        receipts.append(try await log.append(Fixture.record(n, time: time)))
    }
    return receipts
}
