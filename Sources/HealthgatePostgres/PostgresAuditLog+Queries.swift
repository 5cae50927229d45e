import Foundation
import HealthgateStorage
import NIOCore
import PostgresNIO

extension PostgresAuditLog {
    /// This replica's chain head (the anchor's when everything was pruned; seq 0 with the chain's genesis hash when
    /// empty).
    public func head() async throws(StorageError) -> AuditReceipt {
        let (client, logger, replica, genesis) = (database.client, database.logger, replicaId, genesis)
        return try await Self.reading("reading the audit chain head", deadline: commitDeadline) {
            try await client.withConnection { connection in
                let chain = try await ChainState.read(connection, replica: replica, logger: logger)
                let head = chain.head ?? chain.anchor ?? (0, genesis)
                return AuditReceipt(seq: head.seq, hash: head.hash)
            }
        }
    }

    /// This replica's newest head signature, if any.
    public func lastSignature() async throws(StorageError) -> AuditSignatureInfo? {
        let (client, logger, replica) = (database.client, database.logger, replicaId)
        return try await Self.reading("reading the last signed head", deadline: commitDeadline) {
            let rows = try await client.query("""
                SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures
                WHERE replica_id = \(replica) ORDER BY seq DESC LIMIT 1
                """, logger: logger)
            for try await (seq, hash, at, key, signature) in rows.decode((Int64, ByteBuffer, Int64, String, ByteBuffer).self) {
                return AuditSignatureInfo(seq: seq, headHash: Array(buffer: hash), signedAt: AuditRow.date(milliseconds: at),
                                          keyID: key, signature: Array(buffer: signature))
            }
            return nil
        }
    }

    /// This replica's entries with `seq` in `range`, oldest first; rows that no longer parse are skipped.
    public func entries(seq range: ClosedRange<Int64>) async throws(StorageError) -> [AuditEntry] {
        let (client, logger, replica) = (database.client, database.logger, replicaId)
        return try await Self.reading("reading audit records", deadline: .seconds(60)) {
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT \(AuditRow.columns) FROM audit_records
                WHERE replica_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq
                """, binds: Self.bindings(replica, range.lowerBound, range.upperBound)), logger: logger)
            var entries: [AuditEntry] = []
            for try await row in rows {
                if let entry = try AuditRow(cells: row.makeRandomAccess()).entry { entries.append(entry) }
            }
            return entries
        }
    }

    /// Runs a read under `deadline`, mapping every failure to `storage-unavailable`.
    static func reading<T: Sendable>(_ what: String, deadline: Duration,
                                     _ body: @escaping @Sendable () async throws -> T) async throws(StorageError) -> T {
        do {
            return try await withDeadline(deadline, what, body)
        } catch {
            throw StorageError(.unavailable, "\(what) from the shared database failed")
        }
    }

    /// Bindings of a replica id and two integers.
    static func bindings(_ replica: String, _ a: Int64, _ b: Int64) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(replica)
        bindings.append(a)
        bindings.append(b)
        return bindings
    }
}
