import CSQLite

/// The gateway's one SQLite database file (WAL mode): the audit trail, the verification cache and the transfer records,
/// in separate tables.
///
/// `open` creates the file if needed and migrates its schema (`PRAGMA user_version`); call it before the server starts,
/// then build the `AuditLog`, the `VerificationCache` and the `TransferStore` on it. Each of those opens its own connections, each on its
/// own serial queue, so that a cache lookup never waits behind an audit commit.
public final class StorageDatabase: Sendable {
    /// The database file.
    public let path: String
    /// The options every connection uses.
    public let options: StorageOptions
    /// The schema version after migration.
    public let schemaVersion: Int
    let maintenance: SQLiteQueue

    private init(path: String, options: StorageOptions, schemaVersion: Int, maintenance: SQLiteQueue) {
        self.path = path
        self.options = options
        self.schemaVersion = schemaVersion
        self.maintenance = maintenance
    }

    /// Opens the database at `path`, creating it and applying every pending migration.
    ///
    /// Fails with `storage-schema` when the file comes from a newer build, `storage-readonly` when it needs migrating but
    /// cannot be written. A read-only file that is already migrated opens: appends then fail closed until it is writable.
    public static func open(path: String, options: StorageOptions = StorageOptions()) async throws(StorageError) -> StorageDatabase {
        let queue = SQLiteQueue(label: "healthgate.storage.maintenance", path: path, readOnly: false,
                                busyDeadline: options.busyDeadline, synchronous: .full)
        let version = try await queue.run { (connection) throws(StorageError) -> Int in
            try SchemaMigrations.migrate(connection)
        }
        return StorageDatabase(path: path, options: options, schemaVersion: version, maintenance: queue)
    }

    /// The version of the SQLite library linked (Debian's libsqlite3).
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// Runs `PRAGMA integrity_check`: `["ok"]` for a sound file, otherwise SQLite's list of problems.
    public func integrityCheck() async throws(StorageError) -> [String] {
        try await maintenance.run { (connection) throws(StorageError) -> [String] in
            try connection.textColumn("PRAGMA integrity_check")
        }
    }

    /// Closes the maintenance connection; the audit log and the cache close their own.
    public func close() async {
        await maintenance.close()
    }

    /// A new serial queue with its own connection to this database.
    func makeQueue(label: String, readOnly: Bool = false, synchronous: SQLiteConnection.Synchronous = .full) -> SQLiteQueue {
        SQLiteQueue(label: label, path: path, readOnly: readOnly, busyDeadline: options.busyDeadline, synchronous: synchronous)
    }
}
