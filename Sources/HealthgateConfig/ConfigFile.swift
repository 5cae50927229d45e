/// The YAML file as written, before validation: every field optional so that validation can name every missing key at
/// once, with its path. Durations are whole milliseconds or seconds, as the key names say.
public struct ConfigFile: Codable, Sendable {
    /// The listening HTTPS endpoint of the gateway.
    public struct Listen: Codable, Sendable {
        public var host: String?
        public var port: Int?
        public var certificate: String?
        public var key: String?
        public var keyPassphraseEnv: String?
        public var clientCAs: [String]?
        public var bodyLimitBytes: Int?
        public var requestDeadlineMs: Int?
        public var headerTimeoutMs: Int?
        /// How long a client may take to send its whole request body, after the head (408 and the connection closed).
        public var bodyTimeoutMs: Int?
    }

    /// One identity rule: a certificate subject CN and/or SHA-256 fingerprint, optionally issued by one CA, gets a role.
    public struct Identity: Codable, Sendable {
        public var role: String?
        public var subjectCN: String?
        public var fingerprint: String?
        public var issuerCA: String?
    }

    /// One federated city.
    public struct City: Codable, Sendable {
        public var region: String?
        public var kind: String?
        public var baseURL: String?
        public var clientCertificate: String?
        public var clientKey: String?
        public var passphraseEnv: String?
        public var caBundle: String?
        public var pin: String?
        public var connectTimeoutMs: Int?
        public var deadlineMs: Int?
        public var maxResponseBytes: Int?
        public var maxConnections: Int?
        public var freshnessSeconds: Int?
        public var staleLimitSeconds: Int?
        public var allowStaleAdmit: Bool?
        public var allowSignatureOnlyAdmit: Bool?
        public var keySetFile: String?
        public var keyRefreshSeconds: Int?
        /// The city's health-code service, named to travellers its colours refuse (`ConfigFile.Support`).
        public var support: Support?
        /// A Hangzhou-style city's QR prefix (`kind: hangzhou`; default `HZHC2:`), or the prefix a peer gateway's
        /// Hangzhou-style city uses (`kind: federation`).
        public var qrPrefix: String?
    }

    /// The tamper-evident audit trail.
    public struct Audit: Codable, Sendable {
        public var signingKeyFile: String?
        public var signEveryRecords: Int?
        public var signEverySeconds: Int?
        /// The head witness file (default: `audit-heads.jsonl` beside the database).
        public var headsFile: String?
    }

    /// The plain-HTTP operations endpoint.
    public struct Ops: Codable, Sendable {
        public var host: String?
        public var port: Int?
    }

    /// The per-city circuit breaker.
    public struct Breaker: Codable, Sendable {
        public var failures: Int?
        public var openSeconds: Int?
    }

    /// The per-city bulkhead: calls in flight and requests queued.
    public struct Bulkhead: Codable, Sendable {
        public var maxInFlight: Int?
        public var maxQueued: Int?
    }

    /// The per-city retry budget.
    public struct RetryBudget: Codable, Sendable {
        public var percent: Int?
        public var minPerSecond: Int?
        public var windowSeconds: Int?
    }

    public var home: String?
    public var listen: Listen?
    public var identities: [Identity]?
    public var cities: [String: City]?
    public var database: String?
    public var pseudonymKeyFile: String?
    public var audit: Audit?
    public var ops: Ops?
    public var breaker: Breaker?
    /// The per-city bulkhead (`BulkheadConfiguration`).
    public var bulkhead: Bulkhead?
    /// The per-city retry budget (`RetryBudgetConfiguration`).
    public var retryBudget: RetryBudget?
    public var reloadIntervalSeconds: Int?
    /// Where the gateway keeps what replicas share (`ConfigFile.Storage`); absent: SQLite, one machine.
    public var storage: Storage?
}
