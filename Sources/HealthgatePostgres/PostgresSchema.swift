import Logging
import PostgresNIO

/// The shared tables, created before the gateway serves (under an advisory lock, so replicas starting together do
/// not race): `holder_invalidations` (an append-only log, read back by a replica catching up after its listener was
/// down), `holder_notices` (each holder's newest announced status, keyed by issuer and pseudonym), the audit trail
/// (`audit_records`, `audit_signatures`, `audit_anchors`: one hash chain per replica, keyed by `replica_id`;
/// `audit_keys` shared), and the transfers (`transfers`, one row per request id, and `transfer_claims`, which replica
/// is running a request id now).
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
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            replica_id text NOT NULL,
            seq bigint NOT NULL,
            time_ms bigint NOT NULL,
            request_id text NOT NULL,
            caller_subject text NOT NULL,
            caller_fingerprint text NOT NULL,
            role text NOT NULL,
            route text NOT NULL,
            purpose text,
            issuer text,
            holder text,
            outcome text NOT NULL,
            status text,
            freshness text,
            admits bigint,
            error_code text,
            upstream_attempts bigint NOT NULL,
            latency_us bigint NOT NULL,
            prev_hash bytea NOT NULL,
            hash bytea NOT NULL,
            PRIMARY KEY (replica_id, seq)
        )
        """,
        "CREATE INDEX IF NOT EXISTS audit_records_holder ON audit_records (holder) WHERE holder IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records (time_ms)",
        """
        CREATE TABLE IF NOT EXISTS audit_signatures (
            replica_id text NOT NULL,
            seq bigint NOT NULL,
            head_hash bytea NOT NULL,
            signed_at_ms bigint NOT NULL,
            key_id text NOT NULL,
            signature bytea NOT NULL,
            PRIMARY KEY (replica_id, seq)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_keys (
            key_id text PRIMARY KEY,
            algorithm text NOT NULL,
            public_key bytea NOT NULL,
            first_used_ms bigint NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_anchors (
            replica_id text PRIMARY KEY,
            seq bigint NOT NULL,
            hash bytea NOT NULL,
            pruned_at_ms bigint NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS transfers (
            request_id text PRIMARY KEY,
            created_ms bigint NOT NULL,
            fingerprint text NOT NULL,
            origin_issuer text NOT NULL,
            origin_holder text NOT NULL,
            origin_status text NOT NULL,
            origin_reasons text NOT NULL,
            origin_observation_ends text,
            origin_as_of_ms bigint NOT NULL,
            home_holder text,
            home_status text,
            home_reasons text NOT NULL,
            home_observation_ends text,
            outcome text NOT NULL,
            explanation text NOT NULL,
            answer bytea NOT NULL,
            replica_id text NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS transfers_created ON transfers (created_ms)",
        """
        CREATE TABLE IF NOT EXISTS transfer_claims (
            request_id text PRIMARY KEY,
            replica_id text NOT NULL,
            lease_until_ms bigint NOT NULL,
            arrival_ms bigint NOT NULL
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
