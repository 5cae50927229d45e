import Foundation
import HealthgateStorage
import Logging
import PostgresNIO
import Synchronization

extension SharedInvalidations {
    /// The listener: connect, `LISTEN`, read back what may have been missed, then apply each notification while a
    /// heartbeat watches the connection; on any failure, distrust the cache and start again.
    func listen() async {
        var first = true
        var failures = 0
        while !Task.isCancelled {
            if !first {
                await options.beforeReconnect()
                try? await Task.sleep(for: options.reconnectDelay)
                if Task.isCancelled { break }
            }
            first = false
            let caughtUpBefore = catchUps
            do {
                try await listenOnce()
            } catch {
                // One warning when the listener is lost, then one every 50 failed reconnections (~10 s), not five a
                // second while the database is down.
                failures = catchUps > caughtUpBefore ? 1 : failures + 1
                if !Task.isCancelled, failures % 50 == 1 {
                    logger.warning("invalidation listener lost; cached answers are not served until it has caught up",
                                   metadata: ["code": "\((error as? PostgresStoreError)?.code.rawValue ?? "postgres-unavailable")",
                                              "attempts": "\(failures)"])
                }
            }
            state.withLock { $0.caughtUp = false }
            listening.withLock { $0 = nil }
        }
    }

    /// One connection's life; returns only by throwing.
    func listenOnce() async throws {
        let id = connectionIDs.add(1, ordering: .relaxed).newValue
        let connection = try await PostgresConnection.connect(configuration: try settings.connectionConfiguration(),
                                                              id: id, logger: logger)
        listening.withLock { $0 = connection }
        do {
            try await connection.listen(on: Self.channel) { notifications in
                // LISTEN is active: whatever commits from now on arrives below; read back what came before.
                let nowMs = try await databaseClock(connection)
                let since = state.withLock { $0.lastHeardDatabaseMs }.map { $0 - options.catchUpMargin.milliseconds }
                    ?? nowMs - options.firstCatchUp.milliseconds
                let caught = try await catchUp(connection, sinceMs: since)
                state.withLock {
                    $0.caughtUp = true
                    $0.lastHeard = .now
                    $0.lastHeardDatabaseMs = nowMs
                    $0.catchUps += 1
                    $0.applied += caught
                }
                logger.info("invalidation listener caught up", metadata: ["replayed": "\(caught)"])
                Task { [self] in _ = try? await prune(olderThan: options.retention) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.heartbeats(connection) }
                    for try await notification in notifications {
                        try await apply(try HolderInvalidation(payload: notification.payload))
                        state.withLock { $0.applied += 1 }
                    }
                    throw PostgresStoreError(.listenerLost, "the notification stream ended")
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Asks the database for its clock every `heartbeat`; closes the connection and throws when an answer does not
    /// come within `staleAfter`.
    func heartbeats(_ connection: PostgresConnection) async throws {
        while true {
            try await Task.sleep(for: options.heartbeat)
            do {
                let ms = try await withDeadline(options.staleAfter, "a heartbeat") {
                    try await self.databaseClock(connection)
                }
                state.withLock {
                    $0.lastHeard = .now
                    $0.lastHeardDatabaseMs = ms
                }
            } catch {
                try? await connection.close()
                throw PostgresStoreError(.listenerLost, "the listening connection stopped answering")
            }
        }
    }

    /// The database's clock in Unix milliseconds.
    func databaseClock(_ connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                                              logger: logger)
        for try await (ms) in rows.decode(Int64.self) { return ms }
        throw PostgresStoreError(.encoding, "the database clock could not be read")
    }

    /// Applies every invalidation recorded since `sinceMs` (again, where already applied: dropping is idempotent);
    /// returns how many.
    func catchUp(_ connection: PostgresConnection, sinceMs: Int64) async throws -> Int {
        let rows = try await connection.query("""
            SELECT issuer, holder, status, changed_ms FROM holder_invalidations
            WHERE recorded_ms >= \(sinceMs) ORDER BY seq
            """, logger: logger)
        var missed: [HolderInvalidation] = []
        for try await (issuer, holder, status, changedMs) in rows.decode((String, String, String?, Int64?).self) {
            let payload = [issuer, holder, status ?? "-", changedMs.map { String($0) } ?? "-"].joined(separator: " ")
            missed.append(try HolderInvalidation(payload: payload))
        }
        for invalidation in missed { try await apply(invalidation) }
        return missed.count
    }
}
