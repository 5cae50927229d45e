import Foundation
import HealthgateModel

extension AuditLog {
    /// The chain head: the last record's seq and hash (the anchor's when everything was pruned; seq 0 when empty).
    public func head() async throws(StorageError) -> AuditReceipt {
        try await reader.run { (db) throws(StorageError) -> AuditReceipt in
            let head = try Self.readHead(db)
            return AuditReceipt(seq: head.seq, hash: head.hash)
        }
    }

    /// Who checked this holder, when, for what purpose and with what answer: every record naming the pseudonym, oldest first.
    ///
    /// The caller (the CLI's `audit holder`) audits the lookup itself with a record of route `cli:audit-holder`.
    public func holderHistory(_ holder: HolderPseudonym) async throws(StorageError) -> [AuditEntry] {
        try await reader.run { (db) throws(StorageError) -> [AuditEntry] in
            // One index probe per bucket of 256 seqs (see the schema): 40,000 probes for ten million records.
            try db.withStatement("""
                WITH RECURSIVE bucket(k) AS (
                    SELECT (SELECT MIN(seq) FROM audit_records) >> 8
                    UNION ALL SELECT k + 1 FROM bucket WHERE k < (SELECT MAX(seq) FROM audit_records) >> 8
                )
                SELECT \(AuditRow.columns) FROM bucket JOIN audit_records ON (seq >> 8) = bucket.k AND holder = ?1
                ORDER BY seq
                """) { (s) throws(StorageError) -> [AuditEntry] in
                try s.bind(holder.rawValue, at: 1)
                var entries: [AuditEntry] = []
                while try s.step() {
                    if let entry = AuditRow(statement: s).entry { entries.append(entry) }
                }
                return entries
            }
        }
    }

    /// The entries with `seq` in `range`, oldest first; rows that no longer parse are skipped (`AuditVerifier` names them).
    public func entries(seq range: ClosedRange<Int64>) async throws(StorageError) -> [AuditEntry] {
        try await reader.run { (db) throws(StorageError) -> [AuditEntry] in
            try db.withStatement("SELECT \(AuditRow.columns) FROM audit_records WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq") {
                (s) throws(StorageError) -> [AuditEntry] in
                try s.bind(range.lowerBound, at: 1)
                try s.bind(range.upperBound, at: 2)
                var entries: [AuditEntry] = []
                while try s.step() {
                    if let entry = AuditRow(statement: s).entry { entries.append(entry) }
                }
                return entries
            }
        }
    }

    /// Writes the records with `since <= time < until` as JSON Lines, oldest first, one `line` call per record (without
    /// the newline); returns the number written. `line` runs on the storage queue: it must not block for long.
    ///
    /// Each line is a JSON object with sorted keys: `seq`, `time` (ISO 8601, ms, +08:00), `requestId`,
    /// `callerSubject`, `callerFingerprint`, `role`, `route`, `purpose`, `issuer`, `holder`, `outcome`, `status`,
    /// `freshness`, `admits`, `errorCode`, `upstreamAttempts`, `latencyMicros`, `prevHash`, `hash` (hex); absent
    /// values are left out. Rows are exported as stored, even those that fail verification. (A trail in PostgreSQL adds
/// `replica`, the chain's replica.)
    public func export(since: Date?, until: Date?, line: @escaping @Sendable (String) -> Void) async throws(StorageError) -> Int {
        let sinceMs = since.map(AuditRow.milliseconds) ?? Int64.min
        let untilMs = until.map(AuditRow.milliseconds) ?? Int64.max
        return try await reader.run { (db) throws(StorageError) -> Int in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try db.withStatement(
                "SELECT \(AuditRow.columns) FROM audit_records WHERE time_ms >= ?1 AND time_ms < ?2 ORDER BY seq"
            ) { (s) throws(StorageError) -> Int in
                try s.bind(sinceMs, at: 1)
                try s.bind(untilMs, at: 2)
                var count = 0
                while try s.step() {
                    let exported = AuditExportLine(AuditRow(statement: s))
                    guard let data = try? encoder.encode(exported) else {
                        throw StorageError(.encoding, "a record could not be encoded as JSON")
                    }
                    line(String(decoding: data, as: UTF8.self))
                    count += 1
                }
                return count
            }
        }
    }

    /// Removes the records older than `cutoff` (the longest prefix of the chain whose times are all before it) and
    /// the signatures before the new anchor, and records the last removed record's seq and hash as the anchor, so the
    /// remaining chain still verifies from it.
    public func prune(olderThan cutoff: Date, now: Date = Date()) async throws(StorageError) -> AuditPruneResult {
        let cutoffMs = AuditRow.milliseconds(cutoff)
        let nowMs = AuditRow.milliseconds(now)
        return try await writer.run { (db) throws(StorageError) -> AuditPruneResult in
            try db.transaction { () throws(StorageError) -> AuditPruneResult in
                let firstKept = try db.withStatement("SELECT MIN(seq) FROM audit_records WHERE time_ms >= ?1") {
                    (s) throws(StorageError) -> Int64? in
                    try s.bind(cutoffMs, at: 1)
                    return try s.step() ? s.optionalInt64(0) : nil
                }
                let last = try db.withStatement("SELECT seq, hash FROM audit_records WHERE seq < ?1 ORDER BY seq DESC LIMIT 1") {
                    (s) throws(StorageError) -> (Int64, [UInt8])? in
                    try s.bind(firstKept ?? Int64.max, at: 1)
                    return try s.step() ? (s.int64(0), s.blob(1) ?? []) : nil
                }
                guard let (lastSeq, lastHash) = last else {
                    return AuditPruneResult(removedRecords: 0, anchorSeq: try Self.readAnchor(db)?.seq)
                }
                let removed = try db.withStatement("DELETE FROM audit_records WHERE seq <= ?1") { (s) throws(StorageError) -> Int in
                    try s.bind(lastSeq, at: 1)
                    try s.step()
                    return db.changes
                }
                try db.withStatement("DELETE FROM audit_signatures WHERE seq < ?1") { (s) throws(StorageError) in
                    try s.bind(lastSeq, at: 1)
                    try s.step()
                }
                try db.withStatement("INSERT OR REPLACE INTO audit_anchor (id, seq, hash, pruned_at_ms) VALUES (1, ?1, ?2, ?3)") {
                    (s) throws(StorageError) in
                    try s.bind(lastSeq, at: 1)
                    try s.bind(lastHash, at: 2)
                    try s.bind(nowMs, at: 3)
                    try s.step()
                }
                return AuditPruneResult(removedRecords: removed, anchorSeq: lastSeq)
            }
        }
    }

    /// The stored signatures, oldest first.
    public func signatures() async throws(StorageError) -> [AuditSignatureInfo] {
        try await reader.run { (db) throws(StorageError) -> [AuditSignatureInfo] in
            try db.withStatement("SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures ORDER BY seq") {
                (s) throws(StorageError) -> [AuditSignatureInfo] in
                var out: [AuditSignatureInfo] = []
                while try s.step() {
                    out.append(AuditSignatureInfo(seq: s.int64(0), headHash: s.blob(1) ?? [],
                                                  signedAt: AuditRow.date(milliseconds: s.int64(2)),
                                                  keyID: s.text(3) ?? "", signature: s.blob(4) ?? []))
                }
                return out
            }
        }
    }
}

/// One line of `audit export`; `replica` names the chain when the trail has one per replica (PostgreSQL).
package struct AuditExportLine: Encodable {
    var replica: String?
    var seq: Int64
    var time: String
    var requestId: String
    var callerSubject: String
    var callerFingerprint: String
    var role: String
    var route: String
    var purpose: String?
    var issuer: String?
    var holder: String?
    var outcome: String
    var status: String?
    var freshness: String?
    var admits: Bool?
    var errorCode: String?
    var upstreamAttempts: Int64
    var latencyMicros: Int64
    var prevHash: String
    var hash: String

    package init(_ row: AuditRow, replica: String? = nil) {
        self.replica = replica
        seq = row.seq
        time = AuditRow.iso(milliseconds: row.timeMs)
        requestId = row.requestID
        callerSubject = row.callerSubject
        callerFingerprint = row.callerFingerprint
        role = row.role
        route = row.route
        purpose = row.purpose
        issuer = row.issuer
        holder = row.holder
        outcome = row.outcome
        status = row.status
        freshness = row.freshness
        admits = row.admits.map { $0 != 0 }
        errorCode = row.errorCode
        upstreamAttempts = row.upstreamAttempts
        latencyMicros = row.latencyMicros
        prevHash = Hex.encode(row.prevHash)
        hash = Hex.encode(row.hash)
    }
}
