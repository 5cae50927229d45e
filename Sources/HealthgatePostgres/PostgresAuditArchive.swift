import Foundation
import HealthgateModel
import HealthgateStorage
import Logging
import NIOCore
import PostgresNIO

/// Every replica's audit chain in the shared database, read (and pruned) together: what `healthgate audit verify |
/// export | holder | prune` do with `storage: postgres`, so that "who checked my code" answers from every replica.
///
/// Opens its own connection per call; needs no running pool.
public struct PostgresAuditArchive: Sendable {
    /// One chain's verification.
    public struct ChainReport: Sendable {
        /// The replica whose chain it is.
        public var replica: String
        public var report: AuditVerificationReport
    }

    /// A record and the replica whose chain holds it.
    public struct ChainEntry: Sendable {
        public var replica: String
        public var entry: AuditEntry
    }

    public let settings: PostgresSettings
    let logger: Logger

    public init(settings: PostgresSettings, logger: Logger = Logger(label: "healthgate.postgres.audit")) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs `body` on a fresh connection, closed afterwards; every failure is `storage-unavailable`.
    func withConnection<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws(StorageError) -> T {
        let (settings, logger) = (self.settings, self.logger)
        do {
            let connection = try await PostgresConnection.connect(configuration: try settings.connectionConfiguration(),
                                                                  id: 1, logger: logger)
            do {
                let value = try await body(connection)
                try? await connection.close()
                return value
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.unavailable, "\(what) in the shared database failed")
        }
    }

    /// The replicas that have a chain (records, an anchor or signatures) as `connection` sees them, sorted.
    static func chains(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.query("""
            SELECT replica_id FROM audit_records GROUP BY replica_id
            UNION SELECT replica_id FROM audit_anchors UNION SELECT replica_id FROM audit_signatures
            ORDER BY 1
            """, logger: logger)
        var out: [String] = []
        for try await replica in rows.decode(String.self) { out.append(replica) }
        return out
    }

    /// The replicas that have a chain (records, an anchor or signatures), sorted.
    public func replicas() async throws(StorageError) -> [String] {
        let logger = self.logger
        return try await withConnection("listing the audit chains") { connection in
            try await Self.chains(connection, logger: logger)
        }
    }

    /// Verifies every chain (and every replica a witnessed head names, even one whose chain is gone), each in one
    /// repeatable-read snapshot.
    ///
    /// `publicKey` pins the signatures as in `AuditVerifier`; `witnessedHeads` count for the chain their `replica`
    /// names (a head without one is reported as a bad witness: it belongs to an SQLite trail).
    public func verify(publicKey: AuditPublicKey? = nil, witnessedHeads: [AuditHeadWitness.Head] = [])
        async throws(StorageError) -> [ChainReport] {
        let logger = self.logger
        return try await withConnection("verifying the audit chains") { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var keys: [String: AuditPublicKey] = [:]
            if let publicKey {
                keys[publicKey.keyID] = publicKey
            } else {
                let rows = try await connection.query("SELECT key_id, algorithm, public_key FROM audit_keys", logger: logger)
                for try await (id, algorithm, spki) in rows.decode((String, String, ByteBuffer).self) {
                    if let key = AuditChainCheck.storedKey(id: id, algorithm: algorithm,
                                                          subjectPublicKeyInfo: Array(buffer: spki)) {
                        keys[key.keyID] = key
                    }
                }
            }
            var names = Set(try await Self.chains(connection, logger: logger))
            let unassigned = witnessedHeads.filter { $0.replica == nil }
            for head in witnessedHeads { if let replica = head.replica { names.insert(replica) } }

            var reports: [ChainReport] = []
            for replica in names.sorted() {
                var signatures: [AuditSignatureInfo] = []
                let stored = try await connection.query("""
                    SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures
                    WHERE replica_id = \(replica) ORDER BY seq
                    """, logger: logger)
                for try await (seq, hash, at, key, signature) in stored.decode(
                    (Int64, ByteBuffer, Int64, String, ByteBuffer).self) {
                    signatures.append(AuditSignatureInfo(
                        seq: seq, headHash: Array(buffer: hash), signedAt: AuditRow.date(milliseconds: at), keyID: key,
                        signature: Array(buffer: signature)))
                }
                let chain = try await ChainState.read(connection, replica: replica, logger: logger)
                var check = AuditChainCheck(
                    keys: keys, pinned: publicKey != nil, signatures: signatures,
                    witnessed: witnessedHeads.filter { $0.replica == replica }, anchor: chain.anchor,
                    genesis: AuditCanonicalEncoding.genesisHash(replica: replica))
                let rows = try await connection.query("""
                    SELECT \(unescaped: AuditRow.columns) FROM audit_records WHERE replica_id = \(replica) ORDER BY seq
                    """, logger: logger)
                for try await row in rows { check.check(try AuditRow(cells: row.makeRandomAccess())) }
                reports.append(ChainReport(replica: replica, report: check.report()))
            }
            try await connection.query("COMMIT", logger: logger)
            if !unassigned.isEmpty {
                var report = AuditChainCheck(keys: [:], pinned: publicKey != nil, signatures: [], witnessed: [],
                                             anchor: nil, genesis: AuditCanonicalEncoding.genesisHash).report()
                report.problems = unassigned.map {
                    AuditProblem(seq: $0.seq, kind: .badWitness,
                                 detail: "a witnessed head names no replica: it belongs to an SQLite trail, not this database")
                }
                reports.append(ChainReport(replica: "(no replica)", report: report))
            }
            return reports
        }
    }

    /// Writes the records of every chain with `since <= time < until` as JSON Lines (the `AuditLog.export` form plus
    /// `replica`), ordered by time, then replica and seq; returns the number written.
    public func export(since: Date?, until: Date?, line: @escaping @Sendable (String) -> Void) async throws(StorageError) -> Int {
        let sinceMs = since.map(AuditRow.milliseconds) ?? Int64.min
        let untilMs = until.map(AuditRow.milliseconds) ?? Int64.max
        let logger = self.logger
        return try await withConnection("exporting the audit records") { connection in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let rows = try await connection.query("""
                SELECT replica_id, \(unescaped: AuditRow.columns) FROM audit_records
                WHERE time_ms >= \(sinceMs) AND time_ms < \(untilMs) ORDER BY time_ms, replica_id, seq
                """, logger: logger)
            var count = 0
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let replica = try cells[0].decode(String.self)
                let data = try encoder.encode(AuditExportLine(try AuditRow(cells: cells, from: 1), replica: replica))
                line(String(decoding: data, as: UTF8.self))
                count += 1
            }
            return count
        }
    }

    /// Who checked this holder, in every replica's chain, oldest first.
    public func holderHistory(_ holder: HolderPseudonym) async throws(StorageError) -> [ChainEntry] {
        let logger = self.logger
        return try await withConnection("reading a holder's audit records") { connection in
            let rows = try await connection.query("""
                SELECT replica_id, \(unescaped: AuditRow.columns) FROM audit_records
                WHERE holder = \(holder.rawValue) ORDER BY time_ms, replica_id, seq
                """, logger: logger)
            var out: [ChainEntry] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                if let entry = try AuditRow(cells: cells, from: 1).entry {
                    out.append(ChainEntry(replica: try cells[0].decode(String.self), entry: entry))
                }
            }
            return out
        }
    }

    /// Prunes every chain as `AuditLog.prune` prunes the SQLite one: the longest prefix older than `cutoff` goes,
    /// and an anchor per chain keeps the rest verifiable. One transaction per chain, under the chain's lock.
    public func prune(olderThan cutoff: Date, now: Date = Date()) async throws(StorageError) -> [String: AuditPruneResult] {
        let cutoffMs = AuditRow.milliseconds(cutoff)
        let nowMs = AuditRow.milliseconds(now)
        let replicas = try await self.replicas()
        let logger = self.logger
        return try await withConnection("pruning the audit chains") { connection in
            var results: [String: AuditPruneResult] = [:]
            for replica in replicas {
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await connection.query("""
                        SELECT set_config('synchronous_commit', 'on', true),
                               pg_advisory_xact_lock(\(PostgresAuditLog.lockNamespace), hashtext(\(replica)))
                        """, logger: logger)
                    let last = try await connection.query("""
                        SELECT seq, hash FROM audit_records WHERE replica_id = \(replica) AND seq < COALESCE(
                            (SELECT MIN(seq) FROM audit_records WHERE replica_id = \(replica) AND time_ms >= \(cutoffMs)),
                            9223372036854775807)
                        ORDER BY seq DESC LIMIT 1
                        """, logger: logger)
                    var lastKept: (Int64, ByteBuffer)?
                    for try await (seq, hash) in last.decode((Int64, ByteBuffer).self) { lastKept = (seq, hash) }
                    guard let (lastSeq, lastHash) = lastKept else {
                        let chain = try await ChainState.read(connection, replica: replica, logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                        results[replica] = AuditPruneResult(removedRecords: 0, anchorSeq: chain.anchor?.seq)
                        continue
                    }
                    let deleted = try await connection.query("""
                        WITH gone AS (DELETE FROM audit_records WHERE replica_id = \(replica) AND seq <= \(lastSeq)
                                      RETURNING 1)
                        SELECT count(*)::bigint FROM gone
                        """, logger: logger)
                    var removed = 0
                    for try await count in deleted.decode(Int64.self) { removed = Int(count) }
                    try await connection.query("""
                        DELETE FROM audit_signatures WHERE replica_id = \(replica) AND seq < \(lastSeq)
                        """, logger: logger)
                    try await connection.query("""
                        INSERT INTO audit_anchors (replica_id, seq, hash, pruned_at_ms)
                        VALUES (\(replica), \(lastSeq), \(lastHash), \(nowMs))
                        ON CONFLICT (replica_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                            pruned_at_ms = excluded.pruned_at_ms
                        """, logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                    results[replica] = AuditPruneResult(removedRecords: removed, anchorSeq: lastSeq)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
            return results
        }
    }
}
