import CSQLite

/// A compiled SQL statement: finalised in `deinit`; binding indexes start at 1, column indexes at 0.
public final class SQLiteStatement {
    private let handle: OpaquePointer
    /// Keeps the connection open as long as the statement lives.
    private let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement to run again and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func check(_ rc: Int32) throws(StorageError) {
        guard rc == SQLITE_OK else { throw .sqlite(sqlite3_extended_errcode(connection.handle), "binding a value") }
    }

    /// Binds an integer.
    public func bind(_ value: Int64, at index: Int32) throws(StorageError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds text, or NULL for `nil`.
    public func bind(_ value: String?, at index: Int32) throws(StorageError) {
        guard let value else { return try bindNull(at: index) }
        var copy = value
        let rc = copy.withUTF8 { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return healthgate_sqlite3_bind_text_transient(handle, index, "", 0) }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                healthgate_sqlite3_bind_text_transient(handle, index, $0, Int32(buffer.count))
            }
        }
        try check(rc)
    }

    /// Binds a blob, or NULL for `nil`.
    public func bind(_ value: [UInt8]?, at index: Int32) throws(StorageError) {
        guard let value else { return try bindNull(at: index) }
        let rc = value.withUnsafeBytes { buffer in
            // A zero-length blob needs a non-NULL pointer, or SQLite binds NULL.
            healthgate_sqlite3_bind_blob_transient(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count))
        }
        try check(rc)
    }

    /// Binds UTF-8 text that SQLite reads in place, without a copy: the bytes must stay valid and unchanged until the
    /// statement is reset, so call only inside the scope that owns them, and reset before leaving it.
    func bindInPlace(text bytes: UnsafeRawBufferPointer, at index: Int32) throws(StorageError) {
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        try check(healthgate_sqlite3_bind_text_static(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count)))
    }

    /// Binds a blob that SQLite reads in place, without a copy; the same rule as `bindInPlace(text:at:)`.
    func bindInPlace(blob bytes: UnsafeRawBufferPointer, at index: Int32) throws(StorageError) {
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        try check(healthgate_sqlite3_bind_blob_static(handle, index, base, Int32(bytes.count)))
    }

    /// Binds an integer, or NULL for `nil`.
    public func bind(_ value: Int64?, at index: Int32) throws(StorageError) {
        guard let value else { return try bindNull(at: index) }
        try bind(value, at: index)
    }

    /// Binds NULL.
    public func bindNull(at index: Int32) throws(StorageError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Runs one step: `true` when a row is available, `false` when the statement is done.
    @discardableResult
    public func step() throws(StorageError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw .sqlite(sqlite3_extended_errcode(connection.handle), "running a statement")
        }
    }

    /// Whether the column of the current row is NULL.
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The integer value of a column of the current row (0 for NULL).
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The integer value of a column, or `nil` for NULL.
    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    /// The text of a column, or `nil` for NULL.
    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The bytes of a blob column, or `nil` for NULL.
    public func blob(_ column: Int32) -> [UInt8]? {
        if isNull(column) { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

/// A statement is bound to its connection's serial queue.
@available(*, unavailable)
extension SQLiteStatement: Sendable {}
