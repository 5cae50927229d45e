import CSQLite

/// One SQLite connection: owns the `sqlite3*` handle and closes it in `deinit`.
///
/// A connection is bound to one thread at a time: `SQLiteQueue` touches it only on its own serial queue, never from the
/// cooperative pool. It is opened without SQLite's mutex (`SQLITE_OPEN_NOMUTEX`) for that reason.
public final class SQLiteConnection {
    /// How a connection commits: `full` fsyncs the WAL at every commit (the audit trail), `normal` at checkpoints only.
    public enum Synchronous: String, Sendable {
        case full = "FULL"
        case normal = "NORMAL"
    }

    /// The raw handle; valid until `deinit`.
    let handle: OpaquePointer
    /// The database file.
    public let path: String
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path` in WAL mode, with extended result codes and a busy deadline.
    ///
    /// When the file or its directory is not writable SQLite opens it read-only without an error; `isReadOnly` tells.
    public init(path: String, readOnly: Bool = false, busyDeadline: Duration, synchronous: Synchronous = .full)
        throws(StorageError)
    {
        var raw: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &raw, flags, nil)
        guard rc == SQLITE_OK, let raw else {
            let code = raw.map { sqlite3_extended_errcode($0) } ?? rc
            if let raw { sqlite3_close_v2(raw) }
            throw .sqlite(code, "opening the database")
        }
        self.handle = raw
        self.path = path
        sqlite3_extended_result_codes(raw, 1)
        let micros = busyDeadline.components.seconds * 1_000_000 + busyDeadline.components.attoseconds / 1_000_000_000_000
        healthgate_sqlite3_set_busy_deadline(raw, max(0, micros))
        try execute("PRAGMA synchronous = \(synchronous.rawValue); PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;")
    }

    deinit {
        statements.removeAll()  // finalise every cached statement before the handle
        sqlite3_close_v2(handle)
    }

    /// Whether the main database is open read-only (the file or its directory was not writable at open).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open.
    public var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs one or more SQL statements that return no rows the caller needs.
    public func execute(_ sql: String) throws(StorageError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw .sqlite(sqlite3_extended_errcode(handle), "executing a statement") }
    }

    /// Compiles a statement; the caller owns it.
    public func prepare(_ sql: String) throws(StorageError) -> SQLiteStatement {
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else { throw .sqlite(sqlite3_extended_errcode(handle), "preparing a statement") }
        return SQLiteStatement(raw, connection: self)
    }

    /// A statement compiled once per connection and reused, reset and with its bindings cleared.
    public func cached(_ sql: String) throws(StorageError) -> SQLiteStatement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` with a cached statement and resets it afterwards, so that no read stays open past the call.
    public func withStatement<T>(_ sql: String, _ body: (SQLiteStatement) throws(StorageError) -> T) throws(StorageError) -> T {
        let statement = try cached(sql)
        defer { statement.reset() }
        return try body(statement)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// `immediate` takes the write lock at once, so that reads inside the body see the state the writes build on.
    public func transaction<T>(immediate: Bool = true, _ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Rolls back the open transaction, if any; errors are ignored (SQLite may already have rolled back).
    public func rollbackIfNeeded() {
        if inTransaction { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// The integer value of a pragma or a one-value query.
    public func scalarInt(_ sql: String) throws(StorageError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// The text rows of a query's first column (`PRAGMA integrity_check`, `PRAGMA journal_mode`).
    public func textColumn(_ sql: String) throws(StorageError) -> [String] {
        let statement = try prepare(sql)
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0) ?? "") }
        return rows
    }
}

/// A connection is bound to the serial queue that owns it.
@available(*, unavailable)
extension SQLiteConnection: Sendable {}
