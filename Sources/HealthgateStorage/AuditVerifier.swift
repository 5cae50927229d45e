import Foundation

/// Recomputes the audit chain and checks every head signature; reports the first record that does not match.
///
/// It reads one consistent snapshot (a read transaction) on its own connection, so a running gateway keeps appending.
public struct AuditVerifier: Sendable {
    /// The database to verify.
    public let database: StorageDatabase

    /// A verifier of `database`.
    public init(database: StorageDatabase) {
        self.database = database
    }

    /// Verifies the chain from the anchor (or the first record ever) to the end, and every stored signature.
    ///
    /// With `publicKey`, only signatures by that key count; without, the keys stored in the database are used and the
    /// report says the key was not pinned (an attacker who can write the file could have replaced them).
    /// `witnessedHeads` (from an `AuditHeadWitness` file) count as signed heads too, so that a tail removed together
    /// with the signatures that covered it is still caught.
    public func verify(publicKey: AuditPublicKey? = nil, witnessedHeads: [AuditHeadWitness.Head] = [])
        async throws(StorageError) -> AuditVerificationReport
    {
        let queue = database.makeQueue(label: "healthgate.audit.verifier", synchronous: .normal)
        do {
            let report = try await queue.run { (db) throws(StorageError) -> AuditVerificationReport in
                try db.execute("BEGIN")
                defer { db.rollbackIfNeeded() }
                return try Self.verify(db, pinned: publicKey, witnessed: witnessedHeads)
            }
            await queue.close()
            return report
        } catch {
            await queue.close()
            throw error
        }
    }

    private struct StoredSignature {
        var seq: Int64
        var headHash: [UInt8]
        var signedAtMs: Int64
        var keyID: String
        var signature: [UInt8]
    }

    static func verify(_ db: SQLiteConnection, pinned: AuditPublicKey?, witnessed: [AuditHeadWitness.Head] = [])
        throws(StorageError) -> AuditVerificationReport
    {
        var problems: [AuditProblem] = []
        func report(_ seq: Int64, _ kind: AuditProblem.Kind, _ detail: String) {
            problems.append(AuditProblem(seq: seq, kind: kind, detail: detail))
        }

        // Keys: the pinned one only, or whatever the database stores.
        var keys: [String: AuditPublicKey] = [:]
        if let pinned {
            keys[pinned.keyID] = pinned
        } else {
            try db.withStatement("SELECT key_id, algorithm, public_key FROM audit_keys") { (s) throws(StorageError) in
                while try s.step() {
                    guard let id = s.text(0), let algorithm = s.text(1).flatMap(AuditSigningAlgorithm.init(rawValue:)),
                        let key = try? AuditPublicKey(algorithm: algorithm, subjectPublicKeyInfo: s.blob(2) ?? []),
                        key.keyID == id
                    else { continue }
                    keys[id] = key
                }
            }
        }

        // Signatures: check each cryptographically; keep the valid ones as the trusted heads.
        let stored = try db.withStatement("SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures ORDER BY seq") {
            (s) throws(StorageError) -> [StoredSignature] in
            var out: [StoredSignature] = []
            while try s.step() {
                out.append(StoredSignature(seq: s.int64(0), headHash: s.blob(1) ?? [], signedAtMs: s.int64(2),
                                           keyID: s.text(3) ?? "", signature: s.blob(4) ?? []))
            }
            return out
        }
        var signedHeads: [Int64: [UInt8]] = [:]
        for signature in stored {
            guard let key = keys[signature.keyID] else {
                report(signature.seq, .unknownKey,
                       pinned == nil ? "the signature of this head names a key the database does not hold"
                                     : "the signature of this head was not made with the given public key")
                continue
            }
            let message = AuditCanonicalEncoding.headMessage(seq: signature.seq, hash: signature.headHash,
                                                             signedAtMs: signature.signedAtMs)
            guard key.isValidSignature(signature.signature, for: message) else {
                report(signature.seq, .badSignature, "the signature of this head does not verify")
                continue
            }
            signedHeads[signature.seq] = signature.headHash
        }

        // Witnessed heads: signed heads kept outside the database. Where the database lost or changed one, the witness
        // is what counts.
        let signaturesVerified = signedHeads.count
        var witnessesVerified = 0
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
        let signedSeqs = signedHeads.keys.sorted()

        // The chain, from the anchor.
        let anchor = try AuditLog.readAnchor(db)
        var expectedSeq = (anchor?.seq ?? 0) + 1
        var expectedPrev = anchor?.hash ?? AuditCanonicalEncoding.genesisHash
        if let anchor, let signed = signedHeads[anchor.seq], signed != anchor.hash {
            report(anchor.seq, .signedHeadMismatch, "the pruning anchor's hash differs from the signed head at its seq")
        }
        var checked = 0
        var first: Int64?
        var last: Int64?
        var lastGoodSigned: Int64 = anchor?.seq ?? 0
        try db.withStatement("SELECT \(AuditRow.columns) FROM audit_records ORDER BY seq") { (s) throws(StorageError) in
            while try s.step() {
                let row = AuditRow(statement: s)
                checked += 1
                if first == nil { first = row.seq }
                last = row.seq
                if row.seq < expectedSeq {
                    report(row.seq, .malformedRecord, "a record sits at or before the pruning anchor (seq \(expectedSeq - 1))")
                    continue
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
        }

        // The tail: a signed head past the last record means records were removed from the end.
        let end = last ?? anchor?.seq ?? 0
        if let highest = signedSeqs.last, highest > end {
            report(end + 1, .truncatedTail,
                   "records \(end + 1)…\(highest) are missing: the head at seq \(highest) was signed but the chain ends at \(end)")
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
            keyPinned: pinned != nil,
            witnessedHeads: witnessesVerified,
            problems: problems)
    }
}
