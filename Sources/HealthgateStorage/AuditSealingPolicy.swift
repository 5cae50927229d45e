import Foundation

/// When the chain head is signed: after `everyRecords` unsigned records, or when `interval` has passed since the last
/// signature (checked at each commit, and by `AuditSealer` while the log is idle).
public struct AuditSealingPolicy: Hashable, Sendable {
    /// N: the most records a signature may leave behind it.
    public var everyRecords: Int
    /// T: the longest time the head may stay unsigned while records arrive.
    public var interval: Duration

    /// A policy (defaults: 1,000 records or 10 s).
    public init(everyRecords: Int = 1000, interval: Duration = .seconds(10)) {
        self.everyRecords = max(1, everyRecords)
        self.interval = interval
    }

    /// Whether the head at `headSeq` is to be signed at `nowMs`, given the chain's last signature (seq and time): only
    /// when a record is unsigned, and then when forced, N records are unsigned, or T has passed since the last
    /// signature (before the first one, N records or the sealer decide).
    package func isDue(headSeq: Int64, lastSigned: (seq: Int64, atMs: Int64)?, nowMs: Int64, force: Bool) -> Bool {
        let unsigned = headSeq - (lastSigned?.seq ?? 0)
        guard unsigned > 0 else { return false }
        let timeDue = lastSigned.map { nowMs - $0.atMs >= interval.milliseconds } ?? false
        return force || unsigned >= Int64(everyRecords) || timeDue
    }
}

/// A stored chain-head signature.
public struct AuditSignatureInfo: Hashable, Sendable {
    /// The seq of the record signed as head.
    public var seq: Int64
    /// That record's hash.
    public var headHash: [UInt8]
    /// When it was signed (to the millisecond).
    public var signedAt: Date
    /// The signing key's id (hex SHA-256 of its SubjectPublicKeyInfo).
    public var keyID: String
    /// The signature over the head message (`AuditCanonicalEncoding.headMessage`).
    public var signature: [UInt8]

    /// The line a head witness file keeps for this signature.
    var witnessed: AuditHeadWitness.Head { witnessed(replica: nil) }

    /// The witness line for this signature of `replica`'s chain (`nil`: the single SQLite chain).
    package func witnessed(replica: String?) -> AuditHeadWitness.Head {
        AuditHeadWitness.Head(seq: seq, headHash: Hex.encode(headHash), signedAtMs: AuditRow.milliseconds(signedAt),
                              keyID: keyID, signature: Data(signature).base64EncodedString(), replica: replica)
    }

    package init(seq: Int64, headHash: [UInt8], signedAt: Date, keyID: String, signature: [UInt8]) {
        self.seq = seq
        self.headHash = headHash
        self.signedAt = signedAt
        self.keyID = keyID
        self.signature = signature
    }
}

/// What `AuditLog.prune` removed.
public struct AuditPruneResult: Hashable, Sendable {
    package init(removedRecords: Int, anchorSeq: Int64?) {
        self.removedRecords = removedRecords
        self.anchorSeq = anchorSeq
    }

    /// The number of records removed.
    public var removedRecords: Int
    /// The seq of the anchor (the last pruned record) after pruning, or `nil` when nothing was ever pruned.
    public var anchorSeq: Int64?
}

/// What the audit writer loop has done: committed transactions and records, failures, the largest group commit.
public struct AuditStatistics: Hashable, Sendable {
    /// Transactions committed.
    public var transactions = 0
    /// Records committed.
    public var records = 0
    /// Head signatures written.
    public var signatures = 0
    /// Transactions that failed (their records were not acknowledged).
    public var failedTransactions = 0
    /// Records refused because their transaction failed.
    public var failedRecords = 0
    /// The most records one transaction held.
    public var largestBatch = 0
    /// Time the writer spent chaining and inserting records (inside transactions, before COMMIT).
    public var insertTime = Duration.zero
    /// Time the writer spent in COMMIT, the WAL write and its sync included.
    public var commitTime = Duration.zero
    /// Signed heads the witness file could not take (each is still in the database).
    public var witnessFailures = 0

    package init() {}

    /// Counts one transaction of `records` records: committed (`signed`: with a new head signature) or failed.
    package mutating func count(transactionOf records: Int, _ outcome: Result<Bool, StorageError>) {
        switch outcome {
        case .success(let signed):
            transactions += 1
            self.records += records
            largestBatch = max(largestBatch, records)
            if signed { signatures += 1 }
        case .failure:
            failedTransactions += 1
            failedRecords += records
        }
    }
}
