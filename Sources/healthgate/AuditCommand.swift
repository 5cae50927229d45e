import ArgumentParser
import Foundation
import HealthgateConfig
import HealthgateModel
import HealthgatePostgres
import HealthgateServer
import HealthgateStorage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `healthgate audit`: verify, export, query and prune the tamper-evident audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, export, query and prune the audit trail.",
        subcommands: [Verify.self, Export.self, Holder.self, Prune.self, Stress.self]
    )

    /// Where the database is: `--database`, or the configuration's `database`.
    struct Location: ParsableArguments {
        @Option(name: .long, help: "The SQLite database file.")
        var database: String?

        @Option(name: .long, help: "The configuration file; its `database` is used when --database is not given.")
        var config: String?

        /// The configuration, when `--config` was given.
        func configuration() throws -> GatewayConfiguration? {
            guard let config else { return nil }
            do {
                return try ConfigLoader().load(path: config)
            } catch {
                throw AuditCommand.failure("\(config): \(error.description)", exitCode: 2)
            }
        }

        /// The shared PostgreSQL database's settings, when `--config` names one (`storage: postgres`) and no
        /// `--database` was given.
        func postgres() throws -> PostgresSettings? {
            guard database == nil, let configured = try configuration(), case .postgres(let postgres) = configured.storage
            else { return nil }
            do {
                return try LiveGateway.postgresSettings(postgres)
            } catch {
                throw AuditCommand.failure(error.description, exitCode: 2)
            }
        }

        /// Opens the existing database (never creates one).
        func open() async throws -> StorageDatabase {
            guard let path = try database ?? configuration()?.databasePath else {
                throw ValidationError("give --database PATH (or --config FILE)")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw AuditCommand.failure("no database at \(path)", exitCode: 2)
            }
            do {
                return try await StorageDatabase.open(path: path)
            } catch {
                throw AuditCommand.failure("\(path): \(error.description)", exitCode: 2)
            }
        }
    }

    static func failure(_ message: String, exitCode: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("healthgate audit: \(message)\n".utf8))
        return ExitCode(exitCode)
    }

    /// `audit verify`: recomputes the chain and every signature; exits 1 naming the first record that does not match,
    /// and 3 ("unverified") when nothing fails but the signing key was not pinned: signatures checked only against keys
    /// stored in the file itself prove nothing about who wrote it.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every head signature; name the first record that does not match.",
            discussion: """
                Exit status: 0 verified (chain intact, signatures valid under a pinned key); 1 a record does not match;                 2 the check could not run; 3 unverified: nothing failed, but the signing key was not pinned (give                 --config FILE or --public-key PEM), so the signatures were checked only against keys stored in the                 database itself. Without a head witness file (--heads, or the configured audit.headsFile) a tail cut                 off together with its signatures would not show; the output says so.
                """)

        /// The `key:` line: the pinned key, or where the signatures' keys came from instead.
        static func keyLine(_ pinned: AuditPublicKey?, storedIn place: String) -> String {
            pinned.map { "key:        pinned (\($0.keyID.prefix(16))…)" }
                ?? "key:        NOT pinned: checked against the keys stored in \(place)"
        }

        /// The `witness:` line when no witness file was read.
        static func noWitnessLine(missing: String?, hint: String) -> String {
            let consequence = "a tail cut off together with its signatures would not show"
            if let missing { return "witness:    NONE CHECKED: the configured file \(missing) does not exist; \(consequence)" }
            return "witness:    NONE CHECKED (\(hint)): \(consequence)"
        }

        /// The exit status of a check that found nothing wrong but could not pin the signing key.
        static let unverifiedExitCode: Int32 = 3

        @OptionGroup var location: Location

        @Option(name: .long, help: "PEM public key the signatures must verify with (default: the configured signing key's, else the keys stored in the file).")
        var publicKey: String?

        @Option(name: .long, help: "Head witness file (JSON Lines of signed heads) to check the chain against (default: the configured one, when it exists); repeat it for each replica's file with storage: postgres.")
        var heads: [String] = []

        func run() async throws {
            var key: AuditPublicKey?
            do {
                if let publicKey {
                    key = try AuditPublicKey(pemFile: publicKey)
                } else if let configured = try location.configuration() {
                    key = try AuditSigner(pemFile: configured.audit.signingKeyPath).publicKey
                }
            } catch let error as StorageError {
                throw AuditCommand.failure(error.description, exitCode: 2)
            }
            var witnessed: [AuditHeadWitness.Head] = []
            var witnessNote: String?
            let configuredHeads = try location.configuration()?.audit.headsPath
            var missingWitness: String?
            if heads.isEmpty, let configuredHeads, !FileManager.default.fileExists(atPath: configuredHeads) {
                missingWitness = configuredHeads
            }
            let headsPaths = heads.isEmpty
                ? configuredHeads.flatMap { FileManager.default.fileExists(atPath: $0) ? [$0] : nil } ?? [] : heads
            var notes: [String] = []
            for headsPath in headsPaths {
                do {
                    let read = try AuditHeadWitness(path: headsPath).read()
                    witnessed += read.heads
                    notes.append("\(read.heads.count) line(s) in \(headsPath)" + (read.unreadableLines > 0 ? ", \(read.unreadableLines) unreadable (skipped)" : ""))
                } catch {
                    throw AuditCommand.failure("\(headsPath): \(error.description)", exitCode: 2)
                }
            }
            if !notes.isEmpty { witnessNote = notes.joined(separator: "; ") }
            if let postgres = try location.postgres() {
                try await verifyChains(postgres, key: key, witnessed: witnessed, witnessNote: witnessNote,
                                       missingWitness: missingWitness)
                return
            }
            let database = try await location.open()
            let report: AuditVerificationReport
            do {
                report = try await AuditVerifier(database: database).verify(publicKey: key, witnessedHeads: witnessed)
            } catch {
                throw AuditCommand.failure(error.description, exitCode: 2)
            }
            var lines: [String] = []
            if let range = report.seqRange {
                lines.append("records:    \(range.lowerBound)…\(range.upperBound) (\(report.recordsChecked) checked)")
            } else {
                lines.append("records:    none")
            }
            if let anchor = report.anchorSeq { lines.append("anchor:     records up to \(anchor) were pruned") }
            lines.append("signatures: \(report.signaturesVerified) verified; last signed head \(report.lastSignedSeq.map(String.init) ?? "none"); \(report.unsignedTail) record(s) after it unsigned")
            lines.append(Self.keyLine(report.keyPinned ? key : nil, storedIn: "the file itself"))
            lines.append(witnessNote.map { "witness:    \(report.witnessedHeads) head(s) verified and checked; \($0)" }
                ?? Self.noWitnessLine(missing: missingWitness, hint: "give --heads FILE or --config FILE"))
            if let first = report.firstProblem {
                lines.append("result:     FAILED at record \(first.seq): \(first.kind.rawValue): \(first.detail)")
                for problem in report.problems.dropFirst().prefix(9) { lines.append("            also \(problem)") }
                if report.problems.count > 10 { lines.append("            … \(report.problems.count - 10) more") }
            } else if !report.keyPinned {
                lines.append("result:     UNVERIFIED: the chain is consistent, but its signatures were checked only against keys stored in the database itself; pin the key with --config FILE or --public-key PEM")
            } else {
                lines.append("result:     OK" + (witnessNote == nil ? " (no witness file checked)" : ""))
            }
            print(lines.joined(separator: "\n"))
            if !report.isValid { throw ExitCode(1) }
            if !report.keyPinned { throw ExitCode(Self.unverifiedExitCode) }
        }
    }

    /// `audit export`: JSON Lines of the records in a time window.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the records of a time window as JSON Lines (one object per record, oldest first).")

        @OptionGroup var location: Location

        @Option(name: .long, help: "First instant included: ISO 8601 with offset, or a local date yyyy-MM-dd (Asia/Shanghai).")
        var since: String?

        @Option(name: .long, help: "First instant excluded, same forms as --since.")
        var until: String?

        func run() async throws {
            let sinceDate = try since.map { try AuditCommand.instant($0, option: "--since") }
            let untilDate = try until.map { try AuditCommand.instant($0, option: "--until") }
            let output = BufferedOutput()
            if let postgres = try location.postgres() {
                do {
                    _ = try await PostgresAuditArchive(settings: postgres, logger: AuditCommand.quietLogger)
                        .export(since: sinceDate, until: untilDate) { output.write($0 + "\n") }
                } catch {
                    output.flush()
                    throw AuditCommand.failure(error.description)
                }
                output.flush()
                return
            }
            let database = try await location.open()
            let log = AuditLog(database: database, signer: nil)
            do {
                _ = try await log.export(since: sinceDate, until: untilDate) { output.write($0 + "\n") }
            } catch {
                output.flush()
                throw AuditCommand.failure(error.description)
            }
            output.flush()
            await log.close()
        }
    }

    /// `audit holder`: who checked this holder, when, for what purpose; the lookup itself is audited first.
    struct Holder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who checked a holder (by pseudonym), when, for what purpose, and what they were answered. The lookup is itself audited.")

        @OptionGroup var location: Location

        @Argument(help: "The holder's pseudonym (hg1:…).")
        var pseudonym: String

        func run() async throws {
            guard let holder = HolderPseudonym(rawValue: pseudonym) else {
                throw ValidationError("not a holder pseudonym (hg1: followed by 43 base64url characters)")
            }
            let started = ContinuousClock.now
            if let postgres = try location.postgres() {
                try await Self.holderAcrossChains(holder, settings: postgres, started: started)
                return
            }
            let database = try await location.open()
            let log = AuditLog(database: database, signer: nil)
            let history: [AuditEntry]
            do {
                history = try await log.holderHistory(holder)
                // Audited before anything is shown: no record, no answer.
                _ = try await log.append(Self.lookupRecord(holder, started: started))
            } catch {
                throw AuditCommand.failure("\(error.description) (nothing shown: the lookup could not be audited)")
            }
            await log.close()
            if history.isEmpty {
                print("no record names \(holder)")
                return
            }
            print(["time", "caller", "role", "route", "purpose", "answer"].joined(separator: "\t"))
            for entry in history { print(Self.line(entry.record).joined(separator: "\t")) }
        }

        /// The record of the lookup itself.
        static func lookupRecord(_ holder: HolderPseudonym, started: ContinuousClock.Instant) -> AuditRecord {
            AuditRecord(
                time: Date(), requestID: "cli-\(UUID().uuidString.lowercased())",
                caller: AuditCaller(subject: "cli:\(AuditCommand.operatorName())", fingerprint: "-"),
                role: "operator", route: "cli:audit-holder", purpose: nil, issuer: nil, holder: holder,
                outcome: .completed, upstreamAttempts: 0, latency: ContinuousClock.now - started)
        }

        /// One row of the listing: time, caller, role, route, purpose, answer.
        static func line(_ r: AuditRecord) -> [String] {
            let answer: String
            switch r.outcome {
            case .verified(let status, let freshness, let admits): answer = "\(status.rawValue) \(freshness.rawValue)\(admits ? " admits" : "")"
            case .completed: answer = "completed"
            case .failed(let code): answer = "error \(code)"
            }
            return [ChinaTime.formatISO(r.time), r.caller.subject, r.role, r.route, r.purpose ?? "-", answer]
        }
    }

    /// `audit prune`: removes old records, keeping the rest verifiable from an anchor.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove records older than a duration; an anchor keeps the rest of the chain verifiable.")

        @OptionGroup var location: Location

        @Option(name: .long, help: "Age of the records to remove: 30d, 12h, 90m, 45s.")
        var olderThan: String

        func run() async throws {
            guard let age = AuditCommand.duration(olderThan) else {
                throw ValidationError("--older-than takes a number and a unit: 30d, 12h, 90m or 45s")
            }
            let now = Date()
            if let postgres = try location.postgres() {
                do {
                    let results = try await PostgresAuditArchive(settings: postgres, logger: AuditCommand.quietLogger)
                        .prune(olderThan: now.addingTimeInterval(-age), now: now)
                    if results.isEmpty { print("no chain to prune") }
                    for (replica, result) in results.sorted(by: { $0.key < $1.key }) {
                        print("chain \(replica): removed \(result.removedRecords) record(s); anchor at \(result.anchorSeq.map(String.init) ?? "none")")
                    }
                } catch {
                    throw AuditCommand.failure(error.description)
                }
                return
            }
            let database = try await location.open()
            let log = AuditLog(database: database, signer: nil)
            do {
                let result = try await log.prune(olderThan: now.addingTimeInterval(-age), now: now)
                print("removed \(result.removedRecords) record(s); anchor at \(result.anchorSeq.map(String.init) ?? "none")")
            } catch {
                throw AuditCommand.failure(error.description)
            }
            await log.close()
        }
    }

    /// `audit stress` (hidden, for the crash test): appends from concurrent writers, printing each acknowledged seq.
    struct Stress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append synthetic records from concurrent writers; print each acknowledged seq on its own line.",
            shouldDisplay: false)

        @Option(name: .long, help: "The SQLite database file (created if missing).")
        var database: String

        @Option(name: .long, help: "Records to append in all.")
        var count: Int = 10_000

        @Option(name: .long, help: "Concurrent writers.")
        var writers: Int = 32

        func run() async throws {
            let storage = try await StorageDatabase.open(path: database)
            let log = AuditLog(database: storage, signer: .generate(.ed25519), sealing: AuditSealingPolicy(everyRecords: 100))
            let writers = max(1, self.writers)
            let count = self.count
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for n in stride(from: w, to: count, by: writers) {
                            let receipt = try await log.append(AuditRecord(
                                time: Date(), requestID: "stress-\(w)-\(n)",
                                caller: AuditCaller(subject: "CN=stress-\(w)", fingerprint: "-"), role: "checkpoint",
                                route: "cli:audit-stress", purpose: "other",
                                outcome: .verified(status: .green, freshness: .live, admits: true)))
                            // One write(2) per line: atomic on a pipe, and out before the next append.
                            let line = Array("\(receipt.seq)\n".utf8)
                            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            await log.close()
        }
    }

    /// Parses ISO 8601 with an offset, or a local date (start of that day in Asia/Shanghai).
    static func instant(_ text: String, option: String) throws -> Date {
        if let date = ChinaTime.parseISO(text) { return date }
        if text.utf8.count == 10, let day = LocalDate(text) { return day.startOfDay }
        throw ValidationError("\(option): not ISO 8601 (2026-03-01T00:00:00+08:00) nor a date (2026-03-01)")
    }

    /// `30d`, `12h`, `90m`, `45s` in seconds.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "d": return value * 86400
        case "h": return value * 3600
        case "m": return value * 60
        case "s": return value
        default: return nil
        }
    }

    /// The operator's login name, for the CLI's own audit records.
    static func operatorName() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid-\(getuid())"
    }
}

/// Buffers standard output written from a storage queue, flushing every 64 KiB.
final class BufferedOutput: Sendable {
    private let buffer = Mutex<[UInt8]>([])

    func write(_ text: String) {
        let full: [UInt8]? = buffer.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            guard buffer.count >= 65536 else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { FileHandle.standardOutput.write(Data(full)) }
    }

    func flush() {
        let rest = buffer.withLock { buffer in
            defer { buffer.removeAll() }
            return buffer
        }
        if !rest.isEmpty { FileHandle.standardOutput.write(Data(rest)) }
    }
}
