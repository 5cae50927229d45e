/// The schema, as an ordered list of migrations; `PRAGMA user_version` is the number applied.
///
/// A migration is never edited once released: a change is a new step at the end.
enum SchemaMigrations {
    /// The steps; step `i` moves the database from version `i` to `i + 1`.
    static let steps: [String] = [
        // 1: the audit trail and the verification cache.
        """
        CREATE TABLE audit_records (
            seq                INTEGER PRIMARY KEY,
            time_ms            INTEGER NOT NULL,
            request_id         TEXT    NOT NULL,
            caller_subject     TEXT    NOT NULL,
            caller_fingerprint TEXT    NOT NULL,
            role               TEXT    NOT NULL,
            route              TEXT    NOT NULL,
            purpose            TEXT,
            issuer             TEXT,
            holder             TEXT,
            outcome            TEXT    NOT NULL,
            status             TEXT,
            freshness          TEXT,
            admits             INTEGER,
            error_code         TEXT,
            upstream_attempts  INTEGER NOT NULL,
            latency_us         INTEGER NOT NULL,
            prev_hash          BLOB    NOT NULL,
            hash               BLOB    NOT NULL
        );
        -- Holder lookups: bucketed by seq (256 records a bucket) so that new entries land in the last few pages
        -- instead of random ones; a random-order holder index multiplies the WAL written per group commit by ~7.
        CREATE INDEX audit_records_by_holder ON audit_records(seq >> 8, holder) WHERE holder IS NOT NULL;
        CREATE INDEX audit_records_by_time ON audit_records(time_ms);
        CREATE TABLE audit_signatures (
            seq          INTEGER PRIMARY KEY,
            head_hash    BLOB    NOT NULL,
            signed_at_ms INTEGER NOT NULL,
            key_id       TEXT    NOT NULL,
            signature    BLOB    NOT NULL
        );
        CREATE TABLE audit_keys (
            key_id        TEXT PRIMARY KEY,
            algorithm     TEXT    NOT NULL,
            public_key    BLOB    NOT NULL,
            first_used_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE audit_anchor (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            seq          INTEGER NOT NULL,
            hash         BLOB    NOT NULL,
            pruned_at_ms INTEGER NOT NULL
        );
        CREATE TABLE cache_entries (
            issuer         TEXT    NOT NULL,
            key            BLOB    NOT NULL,
            holder         TEXT    NOT NULL,
            result         BLOB    NOT NULL,
            as_of_ms       INTEGER NOT NULL,
            valid_until_ms INTEGER,
            expires_ms     INTEGER NOT NULL,
            PRIMARY KEY (issuer, key)
        ) WITHOUT ROWID;
        CREATE INDEX cache_entries_by_holder ON cache_entries(issuer, holder);
        CREATE INDEX cache_entries_by_expiry ON cache_entries(expires_ms);
        CREATE TABLE cache_invalidations (
            issuer TEXT    NOT NULL,
            holder TEXT    NOT NULL,
            at_ms  INTEGER NOT NULL,
            PRIMARY KEY (issuer, holder)
        ) WITHOUT ROWID;
        """,
        // 2: the transfers (`TransferStore`): one row per request id, what each step said, and the answer given.
        """
        CREATE TABLE transfers (
            request_id            TEXT    PRIMARY KEY,
            created_ms            INTEGER NOT NULL,
            fingerprint           TEXT    NOT NULL,
            origin_issuer         TEXT    NOT NULL,
            origin_holder         TEXT    NOT NULL,
            origin_status         TEXT    NOT NULL,
            origin_reasons        TEXT    NOT NULL,
            origin_observation_ends TEXT,
            origin_as_of_ms       INTEGER NOT NULL,
            home_holder           TEXT,
            home_status           TEXT,
            home_reasons          TEXT    NOT NULL,
            home_observation_ends TEXT,
            outcome               TEXT    NOT NULL,
            explanation           TEXT    NOT NULL,
            answer                BLOB    NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX transfers_by_created ON transfers(created_ms);
        """,
        // 3: the cache answers for a code, not a holder (`CacheKey`): entries keyed by holder are dropped, since they
        // could answer a code the issuer never saw; every entry needs the code's validity. A holder's newest notice
        // is kept to bound degraded answers.
        """
        DELETE FROM cache_entries;
        CREATE TABLE holder_notices (
            issuer     TEXT    NOT NULL,
            holder     TEXT    NOT NULL,
            status     TEXT,
            changed_ms INTEGER,
            noticed_ms INTEGER NOT NULL,
            PRIMARY KEY (issuer, holder)
        ) WITHOUT ROWID;
        CREATE INDEX holder_notices_by_time ON holder_notices(noticed_ms);
        """,
        // 4: a transfer's claim (`TransferStore.claim`): the arrival time its first run registered, so that a rerun
        // after a crash between registering and recording sends the home city the same registration.
        """
        CREATE TABLE transfer_claims (
            request_id TEXT    PRIMARY KEY,
            arrival_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX transfer_claims_by_arrival ON transfer_claims(arrival_ms);
        """,
    ]

    /// The version a database has once every step ran.
    static var latestVersion: Int { steps.count }

    /// Sets WAL mode and applies the missing steps in one transaction; returns the resulting version.
    static func migrate(_ connection: SQLiteConnection) throws(StorageError) -> Int {
        let current = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
        if current > latestVersion {
            throw StorageError(.schema, "the database has schema version \(current); this build knows up to \(latestVersion)")
        }
        if current == latestVersion {
            return current
        }
        if connection.isReadOnly {
            throw StorageError(.readOnly, "the database needs migrating from version \(current) but is read-only")
        }
        let journal = try connection.textColumn("PRAGMA journal_mode = WAL").first ?? ""
        guard journal.lowercased() == "wal" else {
            throw StorageError(.internal, "the database could not be put in WAL mode")
        }
        return try connection.transaction { () throws(StorageError) -> Int in
            // Re-read under the write lock: another process may have migrated meanwhile.
            let locked = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
            for step in steps.dropFirst(locked) {
                try connection.execute(step)
            }
            try connection.execute("PRAGMA user_version = \(latestVersion)")
            return latestVersion
        }
    }
}
