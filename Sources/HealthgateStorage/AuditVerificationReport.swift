/// The outcome of `AuditVerifier.verify`: what was checked and the first place the trail does not match.
public struct AuditVerificationReport: Hashable, Sendable {
    /// The number of records whose link and hash were recomputed.
    public var recordsChecked: Int
    /// The first and last seq present, if any record is.
    public var seqRange: ClosedRange<Int64>?
    /// The anchor pruning left (the last pruned seq), if any.
    public var anchorSeq: Int64?
    /// The number of signatures that verified.
    public var signaturesVerified: Int
    /// The seq of the last verified signed head, if any.
    public var lastSignedSeq: Int64?
    /// Records after the last signed head: a truncation of these alone cannot be detected.
    public var unsignedTail: Int64
    /// Whether signatures were checked against a key given by the operator (`--public-key`), rather than only against
    /// the keys stored in the database itself.
    public var keyPinned: Bool
    /// The number of witnessed heads (from a head witness file) whose signature verified and that were checked.
    public var witnessedHeads: Int = 0
    /// Every problem found, by seq (at most 1,000).
    public var problems: [AuditProblem]

    /// The first record that does not match, or `nil` when the trail verifies.
    public var firstProblem: AuditProblem? { problems.first }

    /// Whether the chain and every signature verify.
    public var isValid: Bool { problems.isEmpty }
}

/// One place where the audit trail does not match what was committed and signed.
public struct AuditProblem: Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: String, Hashable, Sendable {
        /// A record is missing from the middle of the chain (deleted).
        case missingRecord = "missing-record"
        /// A record's `prevHash` is not the previous record's hash (reordered, replaced or inserted).
        case brokenLink = "broken-link"
        /// A record's content no longer gives its stored hash (a field was edited).
        case hashMismatch = "hash-mismatch"
        /// A signed head's hash differs from the stored chain at that seq (the chain was rewritten and re-hashed).
        case signedHeadMismatch = "signed-head-mismatch"
        /// Records up to a signed head are gone from the end (the tail was truncated).
        case truncatedTail = "truncated-tail"
        /// A signature does not verify with its key.
        case badSignature = "bad-signature"
        /// A signature names a key that is neither pinned nor stored.
        case unknownKey = "unknown-key"
        /// A line of the head witness file does not parse or its signature does not verify.
        case badWitness = "bad-witness"
        /// A row holds values no writer could have produced (unparseable hashes, a seq at or before the anchor).
        case malformedRecord = "malformed-record"
    }

    /// The seq of the first record concerned.
    public var seq: Int64
    /// What is wrong.
    public var kind: Kind
    /// A sentence for the operator; never a field's value.
    public var detail: String

    package init(seq: Int64, kind: Kind, detail: String) {
        self.seq = seq
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "record \(seq): \(kind.rawValue): \(detail)" }
}
