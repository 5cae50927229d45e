/// A replica's own audit chain as the gateway writes it, whichever database holds it (the SQLite `AuditLog`, or a
/// replica's chain in PostgreSQL): append and wait for the commit, sign the head, read the head.
public protocol AuditTrail: AnyObject, Sendable {
    /// When the head is signed.
    var sealing: AuditSealingPolicy { get }
    /// The file every signed head is also appended to, if any.
    var witness: AuditHeadWitness? { get }
    /// Counters of the writer since the trail was opened.
    var statistics: AuditStatistics { get }
    /// Appends one record and returns once the transaction holding it is committed; throws when it is not (the
    /// answer must then not leave).
    func append(_ record: AuditRecord) async throws(StorageError) -> AuditReceipt
    /// Signs the chain head now if any record is unsigned; the new signature, or `nil`.
    func sealHead() async throws(StorageError) -> AuditSignatureInfo?
    /// This chain's head: the last record's seq and hash (the anchor's when everything was pruned; seq 0 when empty).
    func head() async throws(StorageError) -> AuditReceipt
    /// This chain's newest head signature, if any.
    func lastSignature() async throws(StorageError) -> AuditSignatureInfo?
    /// This chain's entries with `seq` in `range`, oldest first.
    func entries(seq range: ClosedRange<Int64>) async throws(StorageError) -> [AuditEntry]
    /// Closes the trail once every committed append is answered.
    func close() async
}

extension AuditLog: AuditTrail {}
