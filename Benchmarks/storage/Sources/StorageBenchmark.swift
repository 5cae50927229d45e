import Foundation
import HealthgateModel
import HealthgateStorage
import Synchronization

/// Audit records committed per second with 1, 16 and 256 concurrent writers, and the cost of a cache lookup (hit,
/// miss), on real SQLite files in a temporary directory. Run through `Benchmarks/storage/run.sh` (release build);
/// `StorageBenchmark postgres …` runs the PostgreSQL trail instead (`PostgresAuditRun`, `Benchmarks/postgres/run.sh`).
@main
struct StorageBenchmark {
    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "postgres" {
            try await PostgresAuditRun.main(Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        let arguments = CommandLine.arguments.dropFirst()
        let seconds = arguments.first.flatMap(Double.init) ?? 3
        let writerCounts = arguments.dropFirst().compactMap { Int($0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("healthgate-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        print("healthgate storage benchmark: SQLite \(StorageDatabase.sqliteVersion), WAL, audit synchronous=FULL, \(seconds) s per audit run")
        print("directory: \(directory.path)")
        print("")
        print("| audit writers | records committed | records/s | transactions | mean batch | largest batch | p50 append | p99 append | insert per record | COMMIT per transaction |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for writers in writerCounts.isEmpty ? [1, 16, 256] : writerCounts {
            let row = try await auditRun(writers: writers, seconds: seconds, directory: directory)
            print(row)
        }
        if !writerCounts.isEmpty { return }
        print("")
        print("| cache lookup | lookups | mean per lookup (1 task) | lookups/s (16 tasks) |")
        print("|---|---:|---:|---:|")
        for row in try await cacheRuns(directory: directory) { print(row) }
    }

    /// A record as the gateway writes it: the caller is the writer's own checkpoint certificate, the request id new.
    static func record(_ n: Int, caller: AuditCaller, holder: HolderPseudonym) -> AuditRecord {
        AuditRecord(time: Date(), requestID: "bench-\(n)", caller: caller, role: "checkpoint", route: "POST /v1/verify",
                    purpose: "transport", issuer: .hangzhou, holder: holder,
                    outcome: .verified(status: .green, freshness: .live, admits: true), upstreamAttempts: 1,
                    latency: .microseconds(850))
    }

    static func caller(_ w: Int) -> AuditCaller {
        AuditCaller(subject: "CN=checkpoint-\(w % 97),O=Hangzhou Metro", fingerprint: String(repeating: "ab", count: 32))
    }

    static func auditRun(writers: Int, seconds: Double, directory: URL) async throws -> String {
        let database = try await StorageDatabase.open(path: directory.appendingPathComponent("audit-\(writers).sqlite").path)
        let log = AuditLog(database: database, signer: .generate(.p256), sealing: AuditSealingPolicy(everyRecords: 1000, interval: .seconds(10)))
        let key = PseudonymKey(bytes: [UInt8](repeating: 3, count: 32))!
        let holders = (0..<64).map { key.pseudonym(issuer: .hangzhou, holderRef: "bench-\($0)") }
        // Warm up: open the connection, prepare statements.
        _ = try await log.append(record(0, caller: caller(0), holder: holders[0]))
        let before = log.statistics
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        let latencies = try await appendUntil(deadline, trails: [log], writers: writers, holders: holders)
        let elapsed = ContinuousClock.now - start
        let after = log.statistics
        let records = after.records - before.records
        let transactions = after.transactions - before.transactions
        let perSecond = Double(records) / toSeconds(elapsed)
        let (p50, p99) = percentiles(latencies)
        let report = try await AuditVerifier(database: database).verify()
        guard report.isValid, after.failedRecords == 0 else {
            throw BenchmarkFailure(message: "the trail does not verify after the run: \(report.problems.prefix(3))")
        }
        await log.close()
        return "| \(writers) | \(records) | \(format(perSecond, 0)) | \(transactions) | \(format(Double(records) / Double(max(1, transactions)), 1)) | \(after.largestBatch) | \(milliseconds(p50)) | \(milliseconds(p99)) | \(format(toSeconds(after.insertTime - before.insertTime) / Double(max(1, records)) * 1e6, 1)) µs | \(milliseconds((after.commitTime - before.commitTime) / max(1, transactions))) |"
    }

    static func cacheRuns(directory: URL) async throws -> [String] {
        let database = try await StorageDatabase.open(path: directory.appendingPathComponent("cache.sqlite").path)
        let cache = VerificationCache(database: database)
        let policy = CachePolicy(freshnessBudget: .seconds(3600), staleLimit: .seconds(7200))
        let key = PseudonymKey(bytes: [UInt8](repeating: 5, count: 32))!
        let now = Date()
        let entries = 10_000
        for i in 0..<entries {
            let holder = key.pseudonym(issuer: .shanghai, holderRef: "sid-\(i)")
            let result = VerificationResult(issuer: .shanghai, holder: holder, status: .green, reasons: Reason.absent(for: .green),
                                            statusSince: now.addingTimeInterval(-86400), observationEnds: nil, maskedName: "刘*",
                                            asOf: now, freshness: .live)
            try await cache.store(result, key: CacheKey(issuer: .shanghai, code: "sid-\(i)", scene: nil), validUntil: now.addingTimeInterval(600), askedAt: now, policy: policy)
        }
        var rows: [String] = []
        for (name, prefix) in [("hit", "sid-"), ("miss", "absent-")] {
            let count = 20_000
            let start = ContinuousClock.now
            for i in 0..<count {
                let answer = try await cache.lookup(CacheKey(issuer: .shanghai, code: "\(prefix)\(i % entries)", scene: nil), codeValidUntil: nil, now: now, policy: policy)
                if case .miss = answer, name == "hit" { throw BenchmarkFailure(message: "expected a hit") }
            }
            let serial = ContinuousClock.now - start
            let concurrentStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<16 {
                    group.addTask {
                        for i in stride(from: t, to: count, by: 16) {
                            _ = try await cache.lookup(CacheKey(issuer: .shanghai, code: "\(prefix)\(i % entries)", scene: nil), codeValidUntil: nil, now: now, policy: policy)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let concurrent = ContinuousClock.now - concurrentStart
            rows.append("| \(name) | \(count) | \(format(toSeconds(serial) / Double(count) * 1e6, 1)) µs | \(format(Double(count) / toSeconds(concurrent), 0)) |")
        }
        await cache.close()
        return rows
    }

    /// Appends from `writers` concurrent tasks on each of `trails` until `deadline`, every writer with its own caller;
    /// the latency of every append.
    static func appendUntil(_ deadline: ContinuousClock.Instant, trails: [any AuditTrail], writers: Int,
                            holders: [HolderPseudonym]) async throws -> [Duration] {
        try await withThrowingTaskGroup(of: [Duration].self) { group in
            for trail in trails {
                for w in 0..<writers {
                    group.addTask {
                        var mine: [Duration] = []
                        let me = caller(w)
                        var n = w
                        while ContinuousClock.now < deadline {
                            let t = ContinuousClock.now
                            _ = try await trail.append(record(n, caller: me, holder: holders[n % holders.count]))
                            mine.append(ContinuousClock.now - t)
                            n += writers
                        }
                        return mine
                    }
                }
            }
            var all: [Duration] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
    }

    /// The median and 99th percentile of `latencies`.
    static func percentiles(_ latencies: [Duration]) -> (p50: Duration, p99: Duration) {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return (.zero, .zero) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }

    static func toSeconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func milliseconds(_ d: Duration) -> String { format(toSeconds(d) * 1000, 2) + " ms" }

    static func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
