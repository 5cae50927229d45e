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

    static func verify(_ db: SQLiteConnection, pinned: AuditPublicKey?, witnessed: [AuditHeadWitness.Head] = [])
        throws(StorageError) -> AuditVerificationReport
    {
        // Keys: the pinned one only, or whatever the database stores.
        var keys: [String: AuditPublicKey] = [:]
        if let pinned {
            keys[pinned.keyID] = pinned
        } else {
            try db.withStatement("SELECT key_id, algorithm, public_key FROM audit_keys") { (s) throws(StorageError) in
                while try s.step() {
                    if let key = AuditChainCheck.storedKey(id: s.text(0), algorithm: s.text(1),
                                                          subjectPublicKeyInfo: s.blob(2)) {
                        keys[key.keyID] = key
                    }
                }
            }
        }
        let stored = try db.withStatement("SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures ORDER BY seq") {
            (s) throws(StorageError) -> [AuditSignatureInfo] in
            var out: [AuditSignatureInfo] = []
            while try s.step() {
                out.append(AuditSignatureInfo(seq: s.int64(0), headHash: s.blob(1) ?? [],
                                              signedAt: AuditRow.date(milliseconds: s.int64(2)), keyID: s.text(3) ?? "",
                                              signature: s.blob(4) ?? []))
            }
            return out
        }
        var check = AuditChainCheck(keys: keys, pinned: pinned != nil, signatures: stored, witnessed: witnessed,
                                    anchor: try AuditLog.readAnchor(db), genesis: AuditCanonicalEncoding.genesisHash)
        try db.withStatement("SELECT \(AuditRow.columns) FROM audit_records ORDER BY seq") { (s) throws(StorageError) in
            while try s.step() { check.check(AuditRow(statement: s)) }
        }
        return check.report()
    }
}
