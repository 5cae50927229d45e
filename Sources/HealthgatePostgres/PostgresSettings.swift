import Foundation
import NIOSSL
import PostgresNIO

/// How a replica reaches the shared PostgreSQL database (`storage: kind: postgres`): where, as whom, over what.
public struct PostgresSettings: Sendable {
    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        /// TCP to `host`:`port`.
        case tcp(host: String, port: Int)
        /// A unix-domain socket file (`/var/run/postgresql/.s.PGSQL.5432`).
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var database: String
    public var user: String
    /// The password, already read from its file or environment variable; `nil` for peer or trust authentication.
    public var password: String?
    /// A PEM CA bundle: TLS is required and the server's certificate checked against it; `nil` for no TLS.
    public var caBundlePath: String?
    /// The most pooled connections this replica opens (the listener's own connection is not counted).
    public var poolSize: Int
    /// This replica's name, recorded with every invalidation it publishes.
    public var replicaId: String

    public init(endpoint: Endpoint, database: String, user: String, password: String? = nil,
                caBundlePath: String? = nil, poolSize: Int = 4, replicaId: String) {
        self.endpoint = endpoint
        self.database = database
        self.user = user
        self.password = password
        self.caBundlePath = caBundlePath
        self.poolSize = poolSize
        self.replicaId = replicaId
    }

    /// The TLS configuration for the CA bundle, when one is set.
    func tlsConfiguration() -> TLSConfiguration? {
        guard let caBundlePath else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.trustRoots = .file(caBundlePath)
        return tls
    }

    /// The pooled client's configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            var tls = PostgresClient.Configuration.TLS.disable
            if let tlsConfiguration = tlsConfiguration() { tls = .require(tlsConfiguration) }
            configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        case .unixSocket(let path):
            configuration = PostgresClient.Configuration(unixSocketPath: path, username: user, password: password,
                                                         database: database)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        return configuration
    }

    /// The listener's own connection's configuration.
    func connectionConfiguration() throws(PostgresStoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            var tls = PostgresConnection.Configuration.TLS.disable
            if let tlsConfiguration = tlsConfiguration() {
                do { tls = .require(try NIOSSLContext(configuration: tlsConfiguration)) } catch {
                    throw PostgresStoreError(.settings, "the database CA bundle could not be loaded")
                }
            }
            configuration = PostgresConnection.Configuration(host: host, port: port, username: user,
                                                             password: password, database: database, tls: tls)
        case .unixSocket(let path):
            configuration = PostgresConnection.Configuration(unixSocketPath: path, username: user,
                                                             password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}
