import Logging
import PostgresNIO
import ServiceLifecycle

/// One replica's pooled connections to the shared PostgreSQL database, used by its audit chain, its transfer records
/// and its invalidations alike. As a `Service` it runs the pool; put it first in the service group, so that it stops
/// last.
public final class PostgresDatabase: Service, Sendable {
    /// Where the database is, as whom, and this replica's name.
    public let settings: PostgresSettings
    let client: PostgresClient
    let logger: Logger

    /// A pool over `settings`; opens connections once `run` runs. Call `migrate` before serving.
    public init(settings: PostgresSettings, logger: Logger = Logger(label: "healthgate.postgres")) {
        self.settings = settings
        self.logger = logger
        self.client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
    }

    /// This replica's name.
    public var replicaId: String { settings.replicaId }

    /// Runs the pool until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    /// Creates the shared tables if missing, on a connection of its own (before the pool runs).
    public static func migrate(_ settings: PostgresSettings, logger: Logger = Logger(label: "healthgate.postgres"))
        async throws(PostgresStoreError) {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try settings.connectionConfiguration(),
                                                              id: 0, logger: logger)
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw PostgresStoreError(.unavailable, "the database could not be reached to create the shared tables")
        }
        do {
            try await PostgresSchema.migrate(connection, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
