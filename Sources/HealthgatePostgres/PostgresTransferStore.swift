import Foundation
import HealthgateStorage
import Logging
import NIOCore
import PostgresNIO

/// The transfers of every replica of a city, in the shared database: one row per request id (what the SQLite
/// `TransferStore` keeps, plus the replica that recorded it), and a claim per request id being run, so that one
/// request id sent to two replicas at once registers the arrival with the home city once.
///
/// **Claims.** `claim` inserts the request id with a lease and an arrival time (the database's clock, so that
/// replicas' clocks do not matter); the replica that gets it runs the flow, the others wait for the row. A replica that
/// dies between registering the arrival and recording it leaves a claim whose lease lapses: the next attempt takes it
/// over with the same arrival time and runs the flow again, so the home city receives the same registration under the
/// same request id and answers it with the first one's outcome (a city that compares bodies finds them equal).
/// `release` deletes the claim when the flow ended before reaching the home city; otherwise it stays until the purge.
///
/// **Durability.** `save` commits with `synchronous_commit = on` before it returns.
public final class PostgresTransferStore: Sendable {
    public let database: PostgresDatabase
    /// How long a row is kept after its creation.
    public let retention: Duration
    /// The deadline of one statement or transaction.
    public let deadline: Duration

    public init(database: PostgresDatabase, retention: Duration = TransferStore.defaultRetention,
                deadline: Duration = .seconds(5)) {
        self.database = database
        self.retention = retention
        self.deadline = deadline
    }

    static let columns = """
        request_id, created_ms, fingerprint, origin_issuer, origin_holder, origin_status, origin_reasons, \
        origin_observation_ends, origin_as_of_ms, home_holder, home_status, home_reasons, home_observation_ends, \
        outcome, explanation, answer
        """

    /// Stores `transfer` unless its request id is already stored; returns the row held for that id afterwards (the
    /// first one saved wins). Durable on return. The claim stays (a later claim finds the record and repeats it) until
    /// the purge.
    @discardableResult
    public func save(_ transfer: StoredTransfer) async throws(StorageError) -> StoredTransfer {
        let row = try TransferStore.Row(transfer)
        let (client, logger, replica) = (database.client, database.logger, database.replicaId)
        let kept = try await run("recording a transfer") {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT set_config('synchronous_commit', 'on', true)", logger: logger)
                var bindings = PostgresBindings(capacity: 17)
                Self.bind(row, into: &bindings)
                bindings.append(replica)
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO transfers (\(Self.columns), replica_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                    ON CONFLICT (request_id) DO NOTHING
                    """, binds: bindings), logger: logger)
                return try await Self.select(row.requestID, connection: connection, logger: logger)
            }
        }
        guard let kept else { throw StorageError(.internal, "a saved transfer could not be read back") }
        return try kept.transfer()
    }

    /// The transfer stored under `requestID`, unless it is older than the retention at `now`.
    public func lookup(requestID: UUID, now: Date) async throws(StorageError) -> StoredTransfer? {
        let id = TransferStore.Row.key(requestID)
        let oldestMs = TransferStore.Row.milliseconds(now) - retention.milliseconds
        let (client, logger) = (database.client, database.logger)
        let row = try await run("reading a transfer") {
            try await client.withConnection { connection in
                try await Self.select(id, connection: connection, logger: logger)
            }
        }
        guard let row, row.createdMs > oldestMs else { return nil }
        return try row.transfer()
    }

    /// Claims `requestID` for this replica for `lease`: granted when nobody holds it, when this replica does, or when
    /// the holder's lease has lapsed; the grant carries the arrival time of the request id's first claim.
    public func claim(requestID: UUID, lease: Duration) async throws(StorageError) -> TransferClaim {
        let id = TransferStore.Row.key(requestID)
        let leaseMs = lease.milliseconds
        let (client, logger, replica) = (database.client, database.logger, database.replicaId)
        return try await run("claiming a transfer") {
            let rows = try await client.query("""
                INSERT INTO transfer_claims (request_id, replica_id, lease_until_ms, arrival_ms)
                VALUES (\(id), \(replica), (extract(epoch FROM clock_timestamp()) * 1000)::bigint + \(leaseMs),
                        (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                ON CONFLICT (request_id) DO UPDATE SET replica_id = excluded.replica_id,
                    lease_until_ms = excluded.lease_until_ms
                WHERE transfer_claims.replica_id = excluded.replica_id
                   OR transfer_claims.lease_until_ms < (extract(epoch FROM clock_timestamp()) * 1000)::bigint
                RETURNING arrival_ms
                """, logger: logger)
            for try await arrivalMs in rows.decode(Int64.self) {
                return TransferClaim.granted(arrivalTime: TransferStore.Row.date(milliseconds: arrivalMs))
            }
            return TransferClaim.heldElsewhere
        }
    }

    /// Ends this replica's claim on `requestID` (a flow that did not reach the home city: a retry may run at once).
    public func release(requestID: UUID) async throws(StorageError) {
        let id = TransferStore.Row.key(requestID)
        let (client, logger, replica) = (database.client, database.logger, database.replicaId)
        _ = try await run("releasing a transfer claim") {
            try await client.query("""
                DELETE FROM transfer_claims WHERE request_id = \(id) AND replica_id = \(replica)
                """, logger: logger)
        }
    }

    /// Deletes every transfer older than the retention at `now`, and the claims whose lease lapsed as long ago; returns
    /// how many transfers.
    @discardableResult
    public func purgeExpired(now: Date) async throws(StorageError) -> Int {
        let oldestMs = TransferStore.Row.milliseconds(now) - retention.milliseconds
        let (client, logger) = (database.client, database.logger)
        return try await run("purging transfers") {
            try await client.query("""
                DELETE FROM transfer_claims WHERE lease_until_ms <= \(oldestMs)
                """, logger: logger)
            let rows = try await client.query("""
                WITH gone AS (DELETE FROM transfers WHERE created_ms <= \(oldestMs) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    /// The number of transfers stored (tests, operators).
    public func count() async throws(StorageError) -> Int {
        let (client, logger) = (database.client, database.logger)
        return try await run("counting transfers") {
            let rows = try await client.query("SELECT count(*)::bigint FROM transfers", logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    private func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T)
        async throws(StorageError) -> T {
        do {
            return try await withDeadline(deadline, what, body)
        } catch {
            throw StorageError(.unavailable, "\(what) in the shared database failed")
        }
    }

    static func select(_ id: String, connection: PostgresConnection, logger: Logger) async throws -> TransferStore.Row? {
        let rows = try await connection.query("""
            SELECT \(unescaped: columns) FROM transfers WHERE request_id = \(id)
            """, logger: logger)
        for try await row in rows {
            let c = row.makeRandomAccess()
            return TransferStore.Row(
                requestID: try c[0].decode(String.self), createdMs: try c[1].decode(Int64.self),
                fingerprint: try c[2].decode(String.self), originIssuer: try c[3].decode(String.self),
                originHolder: try c[4].decode(String.self), originStatus: try c[5].decode(String.self),
                originReasons: try c[6].decode(String.self), originObservationEnds: try c[7].decode(String?.self),
                originAsOfMs: try c[8].decode(Int64.self), homeHolder: try c[9].decode(String?.self),
                homeStatus: try c[10].decode(String?.self), homeReasons: try c[11].decode(String.self),
                homeObservationEnds: try c[12].decode(String?.self), outcome: try c[13].decode(String.self),
                explanation: try c[14].decode(String.self), answer: Array(buffer: try c[15].decode(ByteBuffer.self)))
        }
        return nil
    }

    static func bind(_ row: TransferStore.Row, into bindings: inout PostgresBindings) {
        bindings.append(row.requestID)
        bindings.append(row.createdMs)
        bindings.append(row.fingerprint)
        bindings.append(row.originIssuer)
        bindings.append(row.originHolder)
        bindings.append(row.originStatus)
        bindings.append(row.originReasons)
        bindings.append(row.originObservationEnds)
        bindings.append(row.originAsOfMs)
        bindings.append(row.homeHolder)
        bindings.append(row.homeStatus)
        bindings.append(row.homeReasons)
        bindings.append(row.homeObservationEnds)
        bindings.append(row.outcome)
        bindings.append(row.explanation)
        bindings.append(ByteBuffer(bytes: row.answer))
    }
}
