import Logging
import PostgresNIO

/// One connection to the shared database as a replica would open it (endpoint, user, password, TLS with the CA
/// bundle), to tell an operator before `serve` whether it answers: `healthgate config check --online`.
public enum PostgresProbe {
    /// What the probe found.
    public struct Result: Sendable {
        /// Whether the database accepted the connection and answered.
        public var answered: Bool
        /// The server's version and whether the session is encrypted, or why it did not answer (a stable code).
        public var detail: String
        public var elapsed: Duration
    }

    /// Connects once with `settings`, asks the server's version and whether TLS is in use, and closes.
    public static func run(_ settings: PostgresSettings, deadline: Duration = .seconds(5),
                           logger: Logger = Logger(label: "healthgate.postgres.probe")) async -> Result {
        let started = ContinuousClock.now
        do {
            let detail = try await withDeadline(deadline, "connecting to the database") {
                let connection = try await PostgresConnection.connect(
                    configuration: try settings.connectionConfiguration(), id: 1, logger: logger)
                defer { Task { try? await connection.close() } }
                let rows = try await connection.query("""
                    SELECT current_setting('server_version'),
                           COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)
                    """, logger: logger)
                for try await (version, ssl) in rows.decode((String, Bool).self) {
                    return "PostgreSQL \(version), \(ssl ? "TLS" : "no TLS")"
                }
                return "PostgreSQL answered"
            }
            return Result(answered: true, detail: detail, elapsed: ContinuousClock.now - started)
        } catch let error as PostgresStoreError {
            return Result(answered: false, detail: error.code.rawValue, elapsed: ContinuousClock.now - started)
        } catch {
            return Result(answered: false, detail: PostgresStoreError.Code.unavailable.rawValue,
                          elapsed: ContinuousClock.now - started)
        }
    }
}
