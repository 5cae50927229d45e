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
}

/// What `AuditLog.prune` removed.
public struct AuditPruneResult: Hashable, Sendable {
    /// The number of records removed.
    public var removedRecords: Int
    /// The seq of the anchor (the last pruned record) after pruning, or `nil` when nothing was ever pruned.
    public var anchorSeq: Int64?
}
