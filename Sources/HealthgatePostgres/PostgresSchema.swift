import Logging
import PostgresNIO

/// The shared tables, created before the gateway serves (under an advisory lock, so replicas starting together do
/// not race): `holder_invalidations` (an append-only log, read back by a replica catching up after its listener was
/// down) and `holder_notices` (each holder's newest announced status, keyed by issuer and pseudonym).
enum PostgresSchema {
    /// The advisory lock key that serialises migrations (`hgsc` in ASCII).
    static let lockKey: Int64 = 0x6867_7363

    static let statements: [PostgresQuery] = [
        """
        CREATE TABLE IF NOT EXISTS holder_invalidations (
            seq bigserial PRIMARY KEY,
            issuer text NOT NULL,
            holder text NOT NULL,
            status text,
            changed_ms bigint,
            recorded_ms bigint NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
            replica_id text NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS holder_invalidations_recorded ON holder_invalidations (recorded_ms)",
        "CREATE INDEX IF NOT EXISTS holder_invalidations_holder ON holder_invalidations (issuer, holder)",
        """
        CREATE TABLE IF NOT EXISTS holder_notices (
            issuer text NOT NULL,
            holder text NOT NULL,
            status text,
            changed_ms bigint,
            noticed_ms bigint NOT NULL,
            PRIMARY KEY (issuer, holder)
        )
        """,
    ]

    /// Creates what is missing, in one transaction.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws(PostgresStoreError) {
        do {
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            for statement in statements { try await connection.query(statement, logger: logger) }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw PostgresStoreError(.schema, "the shared tables could not be created")
        }
    }
}
