extension ConfigFile {
    /// `storage:`: `kind: sqlite` (the default: everything in the `database` file) or `kind: postgres`, where the
    /// replicas of a city share invalidations and holder notices. See `ConfigValidator.storage`.
    public struct Storage: Codable, Sendable {
        /// `sqlite` or `postgres`.
        public var kind: String?
        /// The database server's host name or address (with `port`), or
        public var host: String?
        /// its TCP port (default 5432), or
        public var port: Int?
        /// the path of its unix-domain socket file (`/var/run/postgresql/.s.PGSQL.5432`).
        public var unixSocket: String?
        /// The database name.
        public var database: String?
        /// The user the gateway connects as.
        public var user: String?
        /// A file holding the password (its first line), or
        public var passwordFile: String?
        /// the environment variable holding it.
        public var passwordEnv: String?
        /// TLS to the database server (`ConfigFile.StorageTLS`).
        public var tls: StorageTLS?
        /// The most pooled connections (default 4; the listener has one more of its own).
        public var poolSize: Int?
        /// This replica's name (default: the host name); every replica of a city uses the same file with its own.
        public var replicaId: String?
    }

    /// `storage.tls:`: the database server's certificate is checked against `caBundle`.
    public struct StorageTLS: Codable, Sendable {
        /// A PEM bundle of the CAs that may have issued the database server's certificate.
        public var caBundle: String?
    }
}
