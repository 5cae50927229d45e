/// An audit record encoded once, on the appending task: its canonical body (the bytes its chain hash covers) and the
/// integer columns. The writer only chains, binds and inserts it.
///
/// The text columns are bound straight from the body's bytes, so what the table stores is by construction what the
/// hash covers, and the writer copies no strings.
struct AuditPreparedRecord: Sendable {
    /// Canonical fields 2 to 17 (`AuditCanonicalEncoding.body(of:)`).
    let body: [UInt8]
    let timeMs: Int64
    let admits: Int64?
    let upstreamAttempts: Int64
    let latencyMicros: Int64

    init(_ record: AuditRecord) {
        let row = AuditRow(record: record)
        self.body = AuditCanonicalEncoding.body(of: row)
        self.timeMs = row.timeMs
        self.admits = row.admits
        self.upstreamAttempts = row.upstreamAttempts
        self.latencyMicros = row.latencyMicros
    }

    /// Binds the record to `AuditLog.insertSQL` with its place in the chain, runs the insert and resets the statement,
    /// all while the body's bytes are pinned.
    ///
    /// Body field `k` (2…17) is SQL parameter `k`; the integer fields come from the stored integers.
    func insert(with statement: SQLiteStatement, seq: Int64, prevHash: [UInt8], hash: [UInt8]) throws(StorageError) {
        let result: Result<Void, StorageError> = body.withUnsafeBytes { body in
            prevHash.withUnsafeBytes { prev in
                hash.withUnsafeBytes { own in
                    defer { statement.reset() }
                    do throws(StorageError) {
                        try statement.bind(seq, at: 1)
                        var offset = 0
                        for parameter in Int32(2)...17 {
                            let present = body[offset] == 1
                            offset += 1
                            var length = 0
                            if present {
                                length = Int(body[offset]) << 24 | Int(body[offset + 1]) << 16 | Int(body[offset + 2]) << 8
                                    | Int(body[offset + 3])
                                offset += 4
                            }
                            switch parameter {
                            case 2: try statement.bind(timeMs, at: parameter)
                            case 14: try statement.bind(admits, at: parameter)
                            case 16: try statement.bind(upstreamAttempts, at: parameter)
                            case 17: try statement.bind(latencyMicros, at: parameter)
                            default:
                                if present {
                                    try statement.bindInPlace(text: UnsafeRawBufferPointer(rebasing: body[offset..<offset + length]),
                                                              at: parameter)
                                } else {
                                    try statement.bindNull(at: parameter)
                                }
                            }
                            offset += length
                        }
                        try statement.bindInPlace(blob: prev, at: 18)
                        try statement.bindInPlace(blob: own, at: 19)
                        try statement.step()
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
            }
        }
        try result.get()
    }
}
