import ArgumentParser
import Foundation
import HealthgateModel
import HealthgatePostgres
import HealthgateStorage
import Logging

/// `healthgate audit` over the shared PostgreSQL database (`storage: postgres`): every replica's chain at once.
extension AuditCommand {
    /// PostgreSQL's client logs nothing the operator needs here; failures are reported with their code.
    static var quietLogger: Logger {
        var logger = Logger(label: "healthgate.audit.cli")
        logger.logLevel = .critical
        return logger
    }
}

extension AuditCommand.Verify {
    /// Verifies every replica's chain; prints one line per chain, then the key, the witness and the result.
    func verifyChains(_ settings: PostgresSettings, key: AuditPublicKey?, witnessed: [AuditHeadWitness.Head],
                      witnessNote: String?, missingWitness: String?) async throws {
        let chains: [PostgresAuditArchive.ChainReport]
        do {
            chains = try await PostgresAuditArchive(settings: settings, logger: AuditCommand.quietLogger)
                .verify(publicKey: key, witnessedHeads: witnessed)
        } catch {
            throw AuditCommand.failure(error.description, exitCode: 2)
        }
        var lines = ["chains:     \(chains.count)" + (chains.isEmpty ? "" : " (\(chains.map(\.replica).joined(separator: ", ")))")]
        for chain in chains {
            let report = chain.report
            let records = report.seqRange.map { "records \($0.lowerBound)…\($0.upperBound) (\(report.recordsChecked) checked)" }
                ?? "no records"
            let anchor = report.anchorSeq.map { "; pruned up to \($0)" } ?? ""
            lines.append("chain \(chain.replica): \(records)\(anchor); \(report.signaturesVerified) signature(s) verified, "
                + "last signed head \(report.lastSignedSeq.map(String.init) ?? "none"), \(report.unsignedTail) unsigned after it; "
                + "\(report.witnessedHeads) witnessed head(s) checked")
        }
        let pinned = chains.allSatisfy(\.report.keyPinned) && key != nil
        lines.append(Self.keyLine(pinned ? key : nil, storedIn: "the database itself"))
        lines.append(witnessNote.map { "witness:    \($0)" }
            ?? Self.noWitnessLine(missing: missingWitness, hint: "give --heads FILE for each replica's head file"))
        let failed = chains.filter { !$0.report.isValid }
        if let chain = failed.first, let first = chain.report.firstProblem {
            lines.append("result:     FAILED in chain \(chain.replica) at record \(first.seq): \(first.kind.rawValue): \(first.detail)")
            let others = failed.flatMap { chain in chain.report.problems.map { (chain.replica, $0) } }.dropFirst()
            for (replica, problem) in others.prefix(9) { lines.append("            also chain \(replica): \(problem)") }
            if others.count > 9 { lines.append("            … \(others.count - 9) more") }
        } else if !pinned {
            lines.append("result:     UNVERIFIED: the chains are consistent, but their signatures were checked only against keys stored in the database itself; pin the key with --config FILE or --public-key PEM")
        } else {
            lines.append("result:     OK" + (witnessNote == nil ? " (no witness file checked)" : ""))
        }
        print(lines.joined(separator: "\n"))
        if !failed.isEmpty { throw ExitCode(1) }
        if !pinned { throw ExitCode(Self.unverifiedExitCode) }
    }
}

extension AuditCommand.Holder {
    /// Lists every replica's records naming `holder`, after auditing the lookup in this replica's chain.
    static func holderAcrossChains(_ holder: HolderPseudonym, settings: PostgresSettings,
                                   started: ContinuousClock.Instant) async throws {
        let logger = AuditCommand.quietLogger
        let history: [PostgresAuditArchive.ChainEntry]
        do {
            history = try await PostgresAuditArchive(settings: settings, logger: logger).holderHistory(holder)
        } catch {
            throw AuditCommand.failure("\(error.description) (nothing shown)")
        }
        // Audited before anything is shown: no record, no answer. The lookup goes into this replica's chain, after
        // whatever the running gateway has written (each transaction reads the head under the chain's lock).
        let pool = PostgresDatabase(settings: settings, logger: logger)
        let running = Task { try await pool.run() }
        let trail = PostgresAuditLog(database: pool, signer: nil)
        let audited: Result<AuditReceipt, StorageError>
        do throws(StorageError) {
            audited = .success(try await trail.append(lookupRecord(holder, started: started)))
        } catch {
            audited = .failure(error)
        }
        await trail.close()
        running.cancel()
        _ = await running.result
        if case .failure(let error) = audited {
            throw AuditCommand.failure("\(error.description) (nothing shown: the lookup could not be audited)")
        }
        if history.isEmpty {
            print("no record names \(holder)")
            return
        }
        print(["time", "replica", "caller", "role", "route", "purpose", "answer"].joined(separator: "\t"))
        for item in history {
            var columns = line(item.entry.record)
            columns.insert(item.replica, at: 1)
            print(columns.joined(separator: "\t"))
        }
    }
}
