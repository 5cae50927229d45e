import Foundation

/// The check of one hash chain, whatever database holds it: the signatures and witnessed heads are checked first,
/// then the rows are fed in seq order (`check`), and `report` names every place the chain does not match.
///
/// `AuditVerifier` runs it over the SQLite chain; the PostgreSQL trail runs one per replica's chain.
package struct AuditChainCheck {
    private var problems: [AuditProblem] = []
    private var signedHeads: [Int64: [UInt8]] = [:]
    private let signaturesVerified: Int
    private var witnessesVerified = 0
    private let anchor: (seq: Int64, hash: [UInt8])?
    private let keyPinned: Bool
    private var expectedSeq: Int64
    private var expectedPrev: [UInt8]
    private var checked = 0
    private var first: Int64?
    private var last: Int64?
    private var lastGoodSigned: Int64

    /// A stored key, if its row is one a writer could have stored (its id is the digest of its key).
    package static func storedKey(id: String?, algorithm: String?, subjectPublicKeyInfo: [UInt8]?) -> AuditPublicKey? {
        guard let id, let algorithm = algorithm.flatMap(AuditSigningAlgorithm.init(rawValue:)),
              let key = try? AuditPublicKey(algorithm: algorithm, subjectPublicKeyInfo: subjectPublicKeyInfo ?? []),
              key.keyID == id
        else { return nil }
        return key
    }

    /// A check of the chain that starts at `genesis` (or after `anchor`), whose heads were signed with one of `keys`
    /// (`pinned`: only the operator's key) as `signatures` and `witnessed` say.
    package init(keys: [String: AuditPublicKey], pinned: Bool, signatures: [AuditSignatureInfo],
                 witnessed: [AuditHeadWitness.Head], anchor: (seq: Int64, hash: [UInt8])?, genesis: [UInt8]) {
        var problems: [AuditProblem] = []
        func report(_ seq: Int64, _ kind: AuditProblem.Kind, _ detail: String) {
            problems.append(AuditProblem(seq: seq, kind: kind, detail: detail))
        }
        var signedHeads: [Int64: [UInt8]] = [:]
        for signature in signatures {
            guard let key = keys[signature.keyID] else {
                report(signature.seq, .unknownKey,
                       pinned ? "the signature of this head was not made with the given public key"
                              : "the signature of this head names a key the database does not hold")
                continue
            }
            let message = AuditCanonicalEncoding.headMessage(seq: signature.seq, hash: signature.headHash,
                                                             signedAtMs: AuditRow.milliseconds(signature.signedAt))
            guard key.isValidSignature(signature.signature, for: message) else {
                report(signature.seq, .badSignature, "the signature of this head does not verify")
                continue
            }
            signedHeads[signature.seq] = signature.headHash
        }
        signaturesVerified = signedHeads.count
        // Witnessed heads: signed heads kept outside the database. Where the database lost or changed one, the witness
        // is what counts.
        for head in witnessed {
            guard let hash = Hex.decode(head.headHash), hash.count == 32,
                  let signature = Data(base64Encoded: head.signature).map(Array.init), let key = keys[head.keyID],
                  key.isValidSignature(signature, for: AuditCanonicalEncoding.headMessage(seq: head.seq, hash: hash,
                                                                                          signedAtMs: head.signedAtMs))
            else {
                report(head.seq, .badWitness, "a witnessed head does not parse, or its signature does not verify with a known key")
                continue
            }
            witnessesVerified += 1
            if let stored = signedHeads[head.seq], stored != hash {
                report(head.seq, .signedHeadMismatch, "the database's signed head at this seq differs from the witnessed one")
            }
            signedHeads[head.seq] = hash
        }
        if let anchor, let signed = signedHeads[anchor.seq], signed != anchor.hash {
            report(anchor.seq, .signedHeadMismatch, "the pruning anchor's hash differs from the signed head at its seq")
        }
        self.problems = problems
        self.signedHeads = signedHeads
        self.anchor = anchor
        self.keyPinned = pinned
        self.expectedSeq = (anchor?.seq ?? 0) + 1
        self.expectedPrev = anchor?.hash ?? genesis
        self.lastGoodSigned = anchor?.seq ?? 0
    }

    private mutating func report(_ seq: Int64, _ kind: AuditProblem.Kind, _ detail: String) {
        problems.append(AuditProblem(seq: seq, kind: kind, detail: detail))
    }

    /// Checks the next row of the chain (rows come in seq order).
    package mutating func check(_ row: AuditRow) {
        checked += 1
        if first == nil { first = row.seq }
        last = row.seq
        if row.seq < expectedSeq {
            report(row.seq, .malformedRecord, "a record sits at or before the pruning anchor (seq \(expectedSeq - 1))")
            return
        }
        var resynchronised = false
        if row.seq > expectedSeq {
            let gap = row.seq - 1 == expectedSeq ? "record \(expectedSeq) is" : "records \(expectedSeq)…\(row.seq - 1) are"
            report(expectedSeq, .missingRecord, "\(gap) missing from the chain")
            resynchronised = true
        }
        if !resynchronised, row.prevHash != expectedPrev {
            report(row.seq, .brokenLink, "the record's previous-hash is not the hash of record \(row.seq - 1)")
        }
        if row.hash.count != 32 || row.prevHash.count != 32 {
            report(row.seq, .malformedRecord, "the record's hashes are not 32 bytes")
        } else if AuditCanonicalEncoding.expectedHash(of: row) != row.hash {
            report(row.seq, .hashMismatch, "the record's content does not give its stored hash")
        }
        if let signed = signedHeads[row.seq] {
            if signed != row.hash {
                report(row.seq, .signedHeadMismatch,
                       "the chain at this signed head differs from what was signed: records \(lastGoodSigned + 1)…\(row.seq) were rewritten")
            } else {
                lastGoodSigned = row.seq
            }
        }
        expectedPrev = row.hash
        expectedSeq = row.seq + 1
    }

    /// What was checked and every problem found (the tail included: a signed head past the last record means records
    /// were removed from the end).
    package func report() -> AuditVerificationReport {
        var problems = self.problems
        let end = last ?? anchor?.seq ?? 0
        let signedSeqs = signedHeads.keys.sorted()
        if let highest = signedSeqs.last, highest > end {
            problems.append(AuditProblem(
                seq: end + 1, kind: .truncatedTail,
                detail: "records \(end + 1)…\(highest) are missing: the head at seq \(highest) was signed but the chain ends at \(end)"))
        }
        problems.sort { $0.seq < $1.seq }
        if problems.count > 1000 { problems.removeLast(problems.count - 1000) }
        let lastSigned = signedSeqs.last(where: { $0 <= end })
        return AuditVerificationReport(
            recordsChecked: checked,
            seqRange: first.flatMap { f in last.map { f...$0 } },
            anchorSeq: anchor?.seq,
            signaturesVerified: signaturesVerified,
            lastSignedSeq: lastSigned,
            unsignedTail: end - (lastSigned ?? anchor?.seq ?? 0),
            keyPinned: keyPinned,
            witnessedHeads: witnessesVerified,
            problems: problems)
    }
}
