import Foundation
import HealthgateModel
import X509

/// A validated, immutable configuration snapshot: what a running gateway reads. Paths are absolute.
public struct GatewayConfiguration: Sendable {
    /// The file this snapshot was read from.
    public var sourcePath: String
    /// When the file was read (its modification time).
    public var loadedFrom: Date
    /// The home city's region.
    public var home: RegionCode
    public var listen: ListenConfiguration
    public var identities: [IdentityRule]
    /// Every federated city, in name order.
    public var cities: [CityConfiguration]
    /// The SQLite database file.
    public var databasePath: String
    /// The secret that turns holder references into pseudonyms.
    public var pseudonymKey: PseudonymKey
    public var audit: AuditConfiguration
    public var ops: OpsConfiguration
    public var breaker: BreakerConfiguration
    /// Each city's bounded calls in flight and queue.
    public var bulkhead = BulkheadConfiguration()
    /// Each city's budget of retries.
    public var retryBudget = RetryBudgetConfiguration()
    /// How often the watcher looks at the file.
    public var reloadInterval: Duration
    /// Every certificate file the configuration names, for readiness and days-to-expiry.
    public var certificateMaterial: [CertificateMaterial]
    /// What loads but will need attention (a certificate expiring within 30 days, a notifying city nobody may notify
    /// for…), with key paths and lines; `serve` logs them, `config check` prints them.
    public var warnings: [ConfigIssue] = []
    /// Lower-case hex SHA-256 of the file's bytes as loaded: which version is in force.
    public var sha256: String = ""
    /// SQLite alone (the default), or PostgreSQL shared by replicas (a change needs a restart).
    public var storage: StorageConfiguration = .sqlite

    /// The city whose region is `region`.
    public func city(region: RegionCode) -> CityConfiguration? { cities.first { $0.region == region } }

    /// The city named `name` (`hangzhou`).
    public func city(named name: String) -> CityConfiguration? { cities.first { $0.name == name } }

    /// The home city's configuration (validation guarantees it exists).
    public var homeCity: CityConfiguration { city(region: home)! }

    /// Every role the configuration gives a certificate.
    public func roles(for peer: CertificateInfo) -> Set<Role> {
        Set(identities.filter { $0.matches(peer) }.map(\.role))
    }
}

/// The inbound HTTPS listener.
public struct ListenConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var certificatePath: String
    public var keyPath: String
    /// The environment variable holding the server key's passphrase, when the key is encrypted.
    public var keyPassphraseEnv: String?
    /// The CA bundles whose certificates may connect.
    public var clientCAPaths: [String]
    /// The largest request body accepted by `/v1/verify` and the peer endpoints.
    public var bodyLimitBytes: Int
    /// The overall deadline of one request.
    public var requestDeadline: Duration
    /// How long a client may take to send its request head.
    public var headerTimeout: Duration
    /// How long a client may take to send its whole body once the head arrived.
    public var bodyTimeout: Duration = .seconds(10)
}

/// One identity→role rule: every given criterion must match.
public struct IdentityRule: Sendable {
    public var role: Role
    /// The certificate's subject common name must equal this.
    public var subjectCN: String?
    /// The certificate's SHA-256 fingerprint (lower-case hex, no colons) must equal this.
    public var fingerprint: String?
    /// The certificate must be signed by this CA.
    public var issuerCA: Certificate?

    public init(role: Role, subjectCN: String? = nil, fingerprint: String? = nil, issuerCA: Certificate? = nil) {
        self.role = role
        self.subjectCN = subjectCN
        self.fingerprint = fingerprint
        self.issuerCA = issuerCA
    }

    /// Whether a verified peer certificate matches this rule.
    public func matches(_ peer: CertificateInfo) -> Bool {
        if subjectCN == nil, fingerprint == nil { return false }
        if let subjectCN, peer.subjectCN != subjectCN { return false }
        if let fingerprint, peer.fingerprint != fingerprint { return false }
        if let issuerCA, !peer.isIssued(by: issuerCA) { return false }
        return true
    }
}

/// How the gateway reaches one city and how long its answers stay good.
public struct CityConfiguration: Sendable {
    /// The key under `cities:` (`hangzhou`): logs and metrics labels.
    public var name: String
    public var region: RegionCode
    public var kind: AdapterKind
    /// `https://host:port` (a path prefix is allowed).
    public var baseURL: String
    public var clientCertificatePath: String
    public var clientKeyPath: String
    public var passphraseEnv: String?
    public var caBundlePath: String
    /// `sha256//<base64>` SPKI pins, `;`-separated, as libcurl takes them.
    public var pin: String?
    public var connectTimeout: Duration
    public var deadline: Duration
    public var maxResponseBytes: Int
    /// How long an answer is served from cache as `cached`.
    public var freshness: Duration
    /// How long past the budget an answer may still be served as `stale` when the issuer is unreachable (0 = off).
    public var staleLimit: Duration
    /// Whether a stale green admits.
    public var allowStaleAdmit: Bool
    /// Whether a signature-only green admits (Shanghai).
    public var allowSignatureOnlyAdmit: Bool
    /// The JWK set configured by hand (Shanghai).
    public var keySetPath: String?
    /// How often the key set is refreshed from the city.
    public var keyRefreshInterval: Duration
    /// The city's health-code service, named in explanations of the colours it gives (`support:`), when configured.
    public var support: SupportContact? = nil
    /// The most connections open to this city at a time (`maxConnections`, default 32); more requests share them
    /// (HTTP/2) or wait, and the wait counts against the request's deadline.
    public var maxConnections: Int = CityConfiguration.defaultMaxConnections

    /// `maxConnections` when the file gives none.
    public static let defaultMaxConnections = 32
    /// The QR prefix of a Hangzhou-style city (`HZHC2:` for `kind: hangzhou` unless configured), or `nil`.
    public var qrPrefix: String? = nil
}

/// The audit trail's signing policy.
public struct AuditConfiguration: Sendable {
    /// PEM private key (P-256 or Ed25519, PKCS#8) that signs the chain head.
    public var signingKeyPath: String
    public var signEveryRecords: Int
    public var signEvery: Duration
    /// The file every signed chain head is also appended to (`AuditHeadWitness`).
    public var headsPath: String
}

/// The plain-HTTP operations listener (loopback only).
public struct OpsConfiguration: Sendable {
    public var host: String
    public var port: Int
}

/// The per-city circuit breaker: open after `failures` consecutive transient failures, for `openFor`.
public struct BreakerConfiguration: Sendable {
    public var failures: Int
    public var openFor: Duration

    public init(failures: Int, openFor: Duration) {
        self.failures = failures
        self.openFor = openFor
    }
}

/// One certificate file the configuration relies on, with what readiness checks need.
public struct CertificateMaterial: Sendable {
    /// The configuration key that names it (`cities.hangzhou.clientCertificate`).
    public var key: String
    public var path: String
    /// Its expiry.
    public var notValidAfter: Date
    public var notValidBefore: Date
    /// The city it belongs to (metrics label), or `gateway`.
    public var owner: String
}
