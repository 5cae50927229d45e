/// Where the gateway keeps what replicas share: nothing shared (SQLite, the default), or a PostgreSQL database.
public enum StorageConfiguration: Sendable, Equatable {
    /// The SQLite files beside `database`: one machine.
    case sqlite
    /// PostgreSQL shared by the replicas of a city.
    case postgres(PostgresConfiguration)
}

/// A validated `storage: kind: postgres`. Paths are absolute; the password is read when the gateway connects.
public struct PostgresConfiguration: Sendable, Equatable {
    /// Where the database server listens.
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    /// Where the password comes from.
    public enum PasswordSource: Sendable, Equatable {
        /// None (peer or trust authentication, over a unix socket typically).
        case none
        /// The first line of a file.
        case file(String)
        /// An environment variable.
        case environment(String)
    }

    public var endpoint: Endpoint
    public var database: String
    public var user: String
    public var password: PasswordSource
    /// The CA bundle that makes TLS required, or `nil` for none.
    public var caBundlePath: String?
    public var poolSize: Int
    public var replicaId: String

    public init(endpoint: Endpoint, database: String, user: String, password: PasswordSource = .none,
                caBundlePath: String? = nil, poolSize: Int = 4, replicaId: String) {
        self.endpoint = endpoint
        self.database = database
        self.user = user
        self.password = password
        self.caBundlePath = caBundlePath
        self.poolSize = poolSize
        self.replicaId = replicaId
    }
}
