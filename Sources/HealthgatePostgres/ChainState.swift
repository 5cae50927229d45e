import Logging
import NIOCore
import PostgresNIO

/// A chain's head, anchor and last signature, read in one statement.
struct ChainState {
    var head: (seq: Int64, hash: [UInt8])?
    var anchor: (seq: Int64, hash: [UInt8])?
    var lastSigned: (seq: Int64, atMs: Int64)?

    static func read(_ connection: PostgresConnection, replica: String, logger: Logger) async throws -> ChainState {
        let rows = try await connection.query("""
            SELECT r.seq, r.hash, a.seq, a.hash, s.seq, s.signed_at_ms
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT seq, hash FROM audit_records WHERE replica_id = \(replica)
                               ORDER BY seq DESC LIMIT 1) r ON true
            LEFT JOIN audit_anchors a ON a.replica_id = \(replica)
            LEFT JOIN LATERAL (SELECT seq, signed_at_ms FROM audit_signatures WHERE replica_id = \(replica)
                               ORDER BY seq DESC LIMIT 1) s ON true
            """, logger: logger)
        var state = ChainState()
        for try await (rseq, rhash, aseq, ahash, sseq, sat) in rows.decode(
            (Int64?, ByteBuffer?, Int64?, ByteBuffer?, Int64?, Int64?).self) {
            if let rseq, let rhash { state.head = (rseq, Array(buffer: rhash)) }
            if let aseq, let ahash { state.anchor = (aseq, Array(buffer: ahash)) }
            if let sseq, let sat { state.lastSigned = (sseq, sat) }
        }
        return state
    }
}
