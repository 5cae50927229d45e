extension AuditLog {
    /// The newest stored head signature, or `nil` when none was written yet (the operations page's "last signed head").
    public func lastSignature() async throws(StorageError) -> AuditSignatureInfo? {
        try await reader.run { (db) throws(StorageError) -> AuditSignatureInfo? in
            try db.withStatement(
                "SELECT seq, head_hash, signed_at_ms, key_id, signature FROM audit_signatures ORDER BY seq DESC LIMIT 1") {
                (s) throws(StorageError) -> AuditSignatureInfo? in
                guard try s.step() else { return nil }
                return AuditSignatureInfo(seq: s.int64(0), headHash: s.blob(1) ?? [],
                                          signedAt: AuditRow.date(milliseconds: s.int64(2)),
                                          keyID: s.text(3) ?? "", signature: s.blob(4) ?? [])
            }
        }
    }
}
