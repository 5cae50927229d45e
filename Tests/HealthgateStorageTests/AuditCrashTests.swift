import Dispatch
import Foundation
import HealthgateChildProcess
import Testing
@testable import HealthgateStorage

#if canImport(Glibc)
import Glibc
#endif

/// The built `healthgate` executable, whose hidden `audit stress` command is the process the crash test kills.
enum HealthgateExecutable {
    static let url: URL? = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["HEALTHGATE_EXECUTABLE"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        // Beside the test bundle: .build/<triple>/debug/healthgatePackageTests.xctest
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("healthgate"))
        // The package's build products: <package>/.build/debug/healthgate
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/healthgate"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}

@Suite("Audit crash safety")
struct AuditCrashTests {
    /// What the child printed (its acknowledged seqs) and how it ended.
    struct ChildRun: Sendable {
        var acknowledged: [Int64]
        var killed: Bool
        var terminationSignal: Int32?
    }

    /// Runs the child, and once it has acknowledged `killAfter` records sends it SIGKILL; collects every full line it
    /// wrote before dying. Blocking reads happen on a queue of their own, not on the cooperative pool.
    static func runAndKill(_ executable: URL, arguments: [String], killAfter: Int) async throws -> ChildRun {
        let pipe = try SpawnedChild.pipe()
        let process: SpawnedChild
        do {
            process = try SpawnedChild.start(executable.path, arguments, standardOutput: pipe.write)
        } catch {
            close(pipe.read)
            close(pipe.write)
            throw error
        }
        close(pipe.write)
        let output = await withCheckedContinuation { (continuation: CheckedContinuation<(Data, Bool), Never>) in
            Thread.detachNewThread {
                var output = Data()
                var lines = 0
                var killed = false
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { break }
                    output.append(contentsOf: buffer[..<count])
                    lines += buffer[..<count].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                    if !killed, lines >= killAfter {
                        process.kill(SIGKILL)
                        killed = true
                    }
                }
                close(pipe.read)
                continuation.resume(returning: (output, killed))
            }
        }
        let termination = await process.wait()
        // Only complete lines were acknowledged; a torn last line is not.
        var text = String(decoding: output.0, as: UTF8.self)
        if let lastNewline = text.lastIndex(of: "\n") {
            text = String(text[..<lastNewline])
        } else {
            text = ""
        }
        let seqs = text.split(separator: "\n").compactMap { Int64($0) }
        var signal: Int32?
        if case .signalled(let number) = termination { signal = number }
        return ChildRun(acknowledged: seqs, killed: output.1, terminationSignal: signal)
    }

    @Test("a writer killed with SIGKILL under concurrent load loses no acknowledged record; the file and chain are sound",
          .enabled(if: HealthgateExecutable.url != nil,
                   "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first"))
    func sigkillDuringConcurrentAppends() async throws {
        let executable = try #require(HealthgateExecutable.url)
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("crash.sqlite").path
            let run = try await Self.runAndKill(executable, arguments: [
                "audit", "stress", "--database", path, "--count", "10000000", "--writers", "64",
            ], killAfter: 3000)
            #expect(run.killed)
            #expect(run.terminationSignal == SIGKILL)
            #expect(run.acknowledged.count >= 3000)
            #expect(Set(run.acknowledged).count == run.acknowledged.count)

            // Restart: open (WAL recovery), check the file, find every acknowledged record.
            let database = try await StorageDatabase.open(path: path)
            #expect(try await database.integrityCheck() == ["ok"])
            let log = AuditLog(database: database, signer: nil)
            let head = try await log.head()
            let maxAcknowledged = run.acknowledged.max() ?? 0
            #expect(head.seq >= maxAcknowledged)
            let present = Set(try await log.entries(seq: 1...max(1, head.seq)).map(\.seq))
            let lost = run.acknowledged.filter { !present.contains($0) }
            #expect(lost.isEmpty, "acknowledged but missing after the crash: \(lost.prefix(10))")
            var report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems.prefix(3))")
            #expect(report.recordsChecked == Int(head.seq))

            // The restarted gateway chains on from the surviving head.
            let next = try await log.append(Fixture.record(1))
            #expect(next.seq == head.seq + 1)
            report = try await AuditVerifier(database: database).verify()
            #expect(report.isValid, "\(report.problems.prefix(3))")
            await log.close()
        }
    }
}
