import Dispatch
import Foundation
import HealthgateModel
import Synchronization

/// The tamper-evident audit trail: one record per request, hash-chained, committed with `synchronous=FULL` in shared
/// (group) transactions, the chain head signed every N records or T seconds.
///
/// `append` returns only once the transaction holding the record is committed; it throws when it is not (disk full,
/// read-only file, lock held past the deadline), and the caller must then answer 503 `audit-unavailable`
/// (`StorageError.auditUnavailable`). The next append retries on a freshly opened connection, so recovery is automatic.
///
/// All writes go through one writer loop on a dedicated serial queue: appends that arrive while a transaction is being
/// written and committed wait together, and the next transaction takes them all. Several processes may write the same
/// file (the CLI's `audit holder` does): each transaction reads the chain head under the write lock.
public final class AuditLog: Sendable {
    /// The database the trail lives in.
    public let database: StorageDatabase
    /// When the head is signed.
    public let sealing: AuditSealingPolicy
    /// The file every signed head is also appended to, if any.
    public let witness: AuditHeadWitness?
    let signer: AuditSigner?
    let writer: SQLiteQueue
    let reader: SQLiteQueue
    private let completions = DispatchQueue(label: "healthgate.audit.completions", qos: .userInitiated)
    private let state = Mutex(WriterState())

    // Unsafe continuations: the writer loop resumes each exactly once (every record and seal it takes out of `state`
    // is resumed on both the success and the failure path), and the checked variant's bookkeeping costs a measurable
    // share of a 256-writer group commit.
    typealias AppendContinuation = UnsafeContinuation<Result<AuditReceipt, StorageError>, Never>
    typealias SealContinuation = UnsafeContinuation<Result<AuditSignatureInfo?, StorageError>, Never>

    struct PendingRecord: Sendable {
        var record: AuditPreparedRecord
        var continuation: AppendContinuation
    }

    struct WriterState: Sendable {
        var records: [PendingRecord] = []
        var seals: [SealContinuation] = []
        var scheduled = false
        var statistics = AuditStatistics()
    }

    /// Counters of the writer loop since this log was created.
    public var statistics: AuditStatistics { state.withLock { $0.statistics } }

    /// A log on `database`, signing with `signer` (none: records are chained but never signed) under `sealing`, and
    /// appending every signed head to `witness` as well.
    ///
    /// Opens no connection yet: an unwritable file is reported by the first `append`, not here.
    public init(database: StorageDatabase, signer: AuditSigner?, sealing: AuditSealingPolicy = AuditSealingPolicy(),
                witness: AuditHeadWitness? = nil) {
        self.database = database
        self.signer = signer
        self.sealing = sealing
        self.witness = witness
        self.writer = database.makeQueue(label: "healthgate.audit.writer", synchronous: .full)
        self.reader = database.makeQueue(label: "healthgate.audit.reader", synchronous: .normal)
    }

    /// Appends one record and returns once it is committed (durably, `synchronous=FULL`).
    ///
    /// Cancellation does not stop an append: a request that reached a handler is audited.
    public func append(_ record: AuditRecord) async throws(StorageError) -> AuditReceipt {
        let prepared = AuditPreparedRecord(record)
        let result = await withUnsafeContinuation { (continuation: AppendContinuation) in
            let schedule = state.withLock { state -> Bool in
                state.records.append(PendingRecord(record: prepared, continuation: continuation))
                return Self.claimWriter(&state)
            }
            if schedule { writer.async { self.drainOnce() } }
        }
        return try result.get()
    }

    /// Signs the chain head now if any record is unsigned; returns the new signature, or `nil` when there was nothing
    /// to sign or no signer.
    public func sealHead() async throws(StorageError) -> AuditSignatureInfo? {
        guard signer != nil else { return nil }
        let result = await withUnsafeContinuation { (continuation: SealContinuation) in
            let schedule = state.withLock { state -> Bool in
                state.seals.append(continuation)
                return Self.claimWriter(&state)
            }
            if schedule { writer.async { self.drainOnce() } }
        }
        return try result.get()
    }

    /// Closes the log's connections once every committed append is answered and every witness line written; appends
    /// after this fail with `storage-closed`.
    public func close() async {
        await writer.close()
        await reader.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            completions.async { continuation.resume() }
        }
    }

    private static func claimWriter(_ state: inout WriterState) -> Bool {
        if state.scheduled { return false }
        state.scheduled = true
        return true
    }

    // MARK: The writer loop (on the writer queue)

    /// Takes everything pending, writes it in one transaction, resumes every waiter; reschedules itself while work
    /// remains, so that other work on the writer queue (prune) gets its turn between batches.
    private func drainOnce() {
        var records: [PendingRecord] = []
        var seals: [SealContinuation] = []
        state.withLock { state in
            swap(&records, &state.records)
            swap(&seals, &state.seals)
        }
        if !records.isEmpty || !seals.isEmpty {
            let now = Date()
            let clock = ContinuousClock()
            let started = clock.now
            var inserted = started
            let result = writer.onQueue { (db) throws(StorageError) -> ([AuditReceipt], AuditSignatureInfo?) in
                try db.transaction { () throws(StorageError) -> ([AuditReceipt], AuditSignatureInfo?) in
                    defer { inserted = clock.now }
                    return try self.write(records, db: db, now: now, forceSeal: !seals.isEmpty)
                }
            }
            let committed = clock.now
            state.withLock { state in
                state.statistics.insertTime += inserted - started
                state.statistics.commitTime += committed - inserted
                state.statistics.count(transactionOf: records.count, result.map { $0.1 != nil })
            }
            // Waking a few hundred tasks is a measurable share of a group commit: it happens on a queue of its own, so
            // that the writer starts the next transaction at once.
            completions.async { [records, seals] in
                switch result {
                case .success(let (receipts, signature)):
                    for (pending, receipt) in zip(records, receipts) { pending.continuation.resume(returning: .success(receipt)) }
                    for seal in seals { seal.resume(returning: .success(signature)) }
                case .failure(let error):
                    for pending in records { pending.continuation.resume(returning: .failure(error)) }
                    for seal in seals { seal.resume(returning: .failure(error)) }
                }
                // The head is committed and its signature stored; the witness copy follows, off the answers' path.
                if case .success(let (_, signature?)) = result, let witness = self.witness {
                    do throws(StorageError) {
                        try witness.append(signature.witnessed)
                    } catch {
                        self.state.withLock { $0.statistics.witnessFailures += 1 }
                    }
                }
            }
        }
        let more = state.withLock { state -> Bool in
            if state.records.isEmpty && state.seals.isEmpty {
                state.scheduled = false
                return false
            }
            return true
        }
        if more { writer.async { self.drainOnce() } }
    }

    static let insertSQL = "INSERT INTO audit_records (\(AuditRow.columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"

    /// Inserts the batch after the current head and signs the new head when due; inside the caller's transaction.
    private func write(_ records: [PendingRecord], db: SQLiteConnection, now: Date, forceSeal: Bool)
        throws(StorageError) -> ([AuditReceipt], AuditSignatureInfo?)
    {
        var head = try Self.readHead(db)
        var receipts: [AuditReceipt] = []
        receipts.reserveCapacity(records.count)
        let insert = try db.cached(Self.insertSQL)
        defer { insert.reset() }
        for pending in records {
            let seq = head.seq + 1
            let hash = AuditCanonicalEncoding.hash(prevHash: head.hash, seq: seq, body: pending.record.body)
            try pending.record.insert(with: insert, seq: seq, prevHash: head.hash, hash: hash)
            receipts.append(AuditReceipt(seq: seq, hash: hash))
            head = (seq, hash)
        }
        let signature = try signIfDue(db: db, head: head, now: now, force: forceSeal)
        return (receipts, signature)
    }

    /// The last record's seq and hash; the anchor's when every record was pruned; (0, zeros) for an empty trail.
    static func readHead(_ db: SQLiteConnection) throws(StorageError) -> (seq: Int64, hash: [UInt8]) {
        let last = try db.withStatement("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1") {
            (s) throws(StorageError) -> (seq: Int64, hash: [UInt8])? in
            try s.step() ? (s.int64(0), s.blob(1) ?? []) : nil
        }
        if let last { return last }
        if let anchor = try readAnchor(db) { return anchor }
        return (0, AuditCanonicalEncoding.genesisHash)
    }

    /// The anchor left by pruning, if any.
    static func readAnchor(_ db: SQLiteConnection) throws(StorageError) -> (seq: Int64, hash: [UInt8])? {
        try db.withStatement("SELECT seq, hash FROM audit_anchor WHERE id = 1") {
            (s) throws(StorageError) -> (seq: Int64, hash: [UInt8])? in
            try s.step() ? (s.int64(0), s.blob(1) ?? []) : nil
        }
    }

    private func signIfDue(db: SQLiteConnection, head: (seq: Int64, hash: [UInt8]), now: Date, force: Bool)
        throws(StorageError) -> AuditSignatureInfo?
    {
        guard let signer, head.seq > 0 else { return nil }
        let lastSigned = try db.withStatement("SELECT seq, signed_at_ms FROM audit_signatures ORDER BY seq DESC LIMIT 1") {
            (s) throws(StorageError) -> (seq: Int64, atMs: Int64)? in
            try s.step() ? (s.int64(0), s.int64(1)) : nil
        }
        let nowMs = AuditRow.milliseconds(now)
        guard sealing.isDue(headSeq: head.seq, lastSigned: lastSigned, nowMs: nowMs, force: force) else { return nil }
        let signed = try signer.signHead(seq: head.seq, hash: head.hash, signedAtMs: nowMs)
        let key = signer.publicKey
        try db.withStatement("INSERT OR IGNORE INTO audit_keys (key_id, algorithm, public_key, first_used_ms) VALUES (?1, ?2, ?3, ?4)") {
            (s) throws(StorageError) in
            try s.bind(key.keyID, at: 1)
            try s.bind(key.algorithm.rawValue, at: 2)
            try s.bind(key.subjectPublicKeyInfo, at: 3)
            try s.bind(nowMs, at: 4)
            try s.step()
        }
        try db.withStatement("INSERT OR REPLACE INTO audit_signatures (seq, head_hash, signed_at_ms, key_id, signature) VALUES (?1, ?2, ?3, ?4, ?5)") {
            (s) throws(StorageError) in
            try s.bind(head.seq, at: 1)
            try s.bind(head.hash, at: 2)
            try s.bind(nowMs, at: 3)
            try s.bind(key.keyID, at: 4)
            try s.bind(signed.signature, at: 5)
            try s.step()
        }
        return signed
    }
}
