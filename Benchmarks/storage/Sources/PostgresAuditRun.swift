import Foundation
import HealthgateModel
import HealthgatePostgres
import HealthgateStorage
import Logging

/// Audit records committed per second on PostgreSQL by two replicas at once, each with its own pool, writer loop and
/// hash chain (group commit, `synchronous_commit = on`, P-256 head signatures every 1,000 records), with 1, 16 and 256
/// concurrent writers in each replica; both chains verified after every run. `Benchmarks/postgres/run.sh` starts the
/// server and calls `StorageBenchmark postgres <unix-socket-path> [seconds [writers…]]`.
enum PostgresAuditRun {
    static func main(_ arguments: [String]) async throws {
        guard let socket = arguments.first else {
            throw BenchmarkFailure(message: "usage: StorageBenchmark postgres <unix-socket-path> [seconds [writers…]]")
        }
        let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 3
        let counts = arguments.dropFirst(2).compactMap { Int($0) }
        var quiet = Logger(label: "healthgate.bench")
        quiet.logLevel = .critical
        print("| writers per replica (2 replicas) | records committed | records/s (both) | transactions | mean batch | p50 append | p99 append | transaction (lock, head, insert, COMMIT) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (index, writers) in (counts.isEmpty ? [1, 16, 256] : counts).enumerated() {
            let settings = ["a", "b"].map {
                PostgresSettings(endpoint: .unixSocket(path: socket), database: "postgres", user: "postgres",
                                 poolSize: 4, replicaId: "run\(index)-replica-\($0)")
            }
            try await PostgresDatabase.migrate(settings[0], logger: quiet)
            print(try await run(writers: writers, seconds: seconds, settings: settings, logger: quiet))
        }
    }

    static func run(writers: Int, seconds: Double, settings: [PostgresSettings], logger: Logger) async throws -> String {
        typealias B = StorageBenchmark
        let signer = AuditSigner.generate(.p256)
        let pools = settings.map { PostgresDatabase(settings: $0, logger: logger) }
        let running = pools.map { pool in Task { try? await pool.run() } }
        let logs = pools.map {
            PostgresAuditLog(database: $0, signer: signer, sealing: AuditSealingPolicy(everyRecords: 1000, interval: .seconds(10)))
        }
        let key = PseudonymKey(bytes: [UInt8](repeating: 3, count: 32))!
        let holders = (0..<64).map { key.pseudonym(issuer: .hangzhou, holderRef: "bench-\($0)") }
        for log in logs { _ = try await log.append(B.record(0, caller: B.caller(0), holder: holders[0])) }
        let before = logs.map(\.statistics)
        let start = ContinuousClock.now
        let latencies = try await B.appendUntil(start + .milliseconds(Int(seconds * 1000)), trails: logs, writers: writers,
                                                holders: holders)
        let elapsed = ContinuousClock.now - start
        let after = logs.map(\.statistics)
        let records = zip(after, before).map { $0.records - $1.records }.reduce(0, +)
        let transactions = zip(after, before).map { $0.transactions - $1.transactions }.reduce(0, +)
        let commit = zip(after, before).map { $0.commitTime - $1.commitTime }.reduce(Duration.zero, +)
        let failed = after.map(\.failedRecords).reduce(0, +)
        for log in logs { await log.close() }
        for task in running { task.cancel(); await task.value }
        let reports = try await PostgresAuditArchive(settings: settings[0], logger: logger)
            .verify(publicKey: signer.publicKey)
            .filter { chain in settings.contains { $0.replicaId == chain.replica } }
        guard reports.count == 2, reports.allSatisfy(\.report.isValid), failed == 0 else {
            throw BenchmarkFailure(message: "the chains do not verify after the run: \(reports.map { ($0.replica, $0.report.problems.prefix(2)) })")
        }
        let (p50, p99) = B.percentiles(latencies)
        let perSecond = Double(records) / B.toSeconds(elapsed)
        return "| \(writers) | \(records) | \(B.format(perSecond, 0)) | \(transactions) | \(B.format(Double(records) / Double(max(1, transactions)), 1)) | \(B.milliseconds(p50)) | \(B.milliseconds(p99)) | \(B.milliseconds(commit / max(1, transactions))) |"
    }
}
