import CSQLite

extension StorageDatabase {
    /// Copies every page of the write-ahead log into the database file and truncates the log to zero bytes
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`), so that the `.sqlite` file alone is a complete copy: call it at shutdown,
    /// after the audit log, cache and transfer store have closed their connections. Returns `false` when another
    /// connection kept the log busy (nothing is lost: the log is kept and replayed at the next open).
    @discardableResult
    public func checkpoint() async throws(StorageError) -> Bool {
        try await maintenance.run { (connection) throws(StorageError) -> Bool in
            // One row: busy (0 when the checkpoint completed), pages in the log, pages checkpointed.
            try connection.scalarInt("PRAGMA wal_checkpoint(TRUNCATE)") == 0
        }
    }
}
