import Foundation
import HealthgatePKI

/// The configuration of a Shanghai gateway over the local simulated federation, with the files it names (Shanghai's
/// key set, the pseudonym key, the audit signing key) written beside it and the development PKI under `pki/`.
///
/// The demo and the end-to-end tests write theirs with it; each picks its own timings.
public struct LocalFederationConfiguration: Sendable {
    /// Each city's base URL, by city name (`hangzhou` → `https://127.0.0.1:port`).
    public var cityURLs: [String: URL]
    /// One city's whole-call deadline.
    public var cityDeadlineMs = 3000
    /// How long a city's answer may be served stale while it is unavailable (0: never).
    public var staleLimitSeconds = 300
    /// The deadline of a whole request to the gateway.
    public var requestDeadlineMs = 8000
    /// Consecutive transient failures that open a city's circuit breaker.
    public var breakerFailures = 5
    /// How often the configuration file is checked for changes.
    public var reloadIntervalSeconds = 2
    /// `bulkhead:` (calls in flight and queued per city), when not the gateway's defaults.
    public var bulkhead: (maxInFlight: Int, maxQueued: Int)?
    /// The database path, relative to the configuration file.
    public var database = "healthgate.sqlite"
    /// Per-city settings written after (and over) the defaults, by city name (`["beijing": ["deadlineMs": "500"]]`).
    public var cityOverrides: [String: [String: String]] = [:]
    /// A comment line at the top of the file, if any.
    public var comment: String?
    /// Copies of Hangzhou's platform federated too (`kind: hangzhou` with their own `qrPrefix`), their base URLs in
    /// `cityURLs` under their names; their CAs are client CAs and their notifiers have `notifier:<region>`.
    public var hangzhouCopies: [HangzhouCopy] = []

    /// A configuration over cities listening at `cityURLs`.
    public init(cityURLs: [String: URL]) {
        self.cityURLs = cityURLs
    }

    /// The YAML; paths are relative to the directory it is written into.
    public var yaml: String {
        func city(_ city: DevCity, kind: String? = nil, qrPrefix: String? = nil) -> String {
            var lines = [
                "  \(city.name):",
                "    region: \"\(city.region)\"",
                "    kind: \(kind ?? city.name)",
                "    baseURL: \(cityURLs[city.name]?.absoluteString ?? "https://127.0.0.1:1")",
                "    clientCertificate: pki/cities/\(city.name)/clients/gateway-310000.pem",
                "    clientKey: pki/cities/\(city.name)/clients/gateway-310000.key",
                "    caBundle: pki/cities/\(city.name)/ca.pem",
            ]
            var settings = ["connectTimeoutMs": "1000", "deadlineMs": "\(cityDeadlineMs)", "maxResponseBytes": "65536",
                            "freshnessSeconds": "30", "staleLimitSeconds": "\(staleLimitSeconds)"]
            if city == .shanghai { settings["keySetFile"] = "shanghai-keys.json" }
            if let qrPrefix { settings["qrPrefix"] = "\"\(qrPrefix)\"" }
            for (key, value) in cityOverrides[city.name] ?? [:] { settings[key] = value }
            for (key, value) in settings.sorted(by: { $0.key < $1.key }) { lines.append("    \(key): \(value)") }
            return lines.joined(separator: "\n")
        }
        let copyCAs = hangzhouCopies.map { ", pki/cities/\($0.city.name)/ca.pem" }.joined()
        let copyNotifiers = hangzhouCopies.map {
            "\n  - {role: \"notifier:\($0.city.region)\", subjectCN: \($0.city.name)-notifier, issuerCA: pki/cities/\($0.city.name)/ca.pem}"
        }.joined()
        let copies = hangzhouCopies.map { city($0.city, kind: "hangzhou", qrPrefix: $0.qrPrefix) + "\n" }.joined()
        return """
            \(comment.map { "# \($0)\n" } ?? "")home: "310000"
            listen:
              host: 127.0.0.1
              port: 0
              certificate: pki/gateways/310000/server.pem
              key: pki/gateways/310000/server.key
              clientCAs: [pki/gateways/client-ca.pem, pki/cities/hangzhou/ca.pem, pki/cities/shanghai/ca.pem\(copyCAs)]
              bodyLimitBytes: 16384
              requestDeadlineMs: \(requestDeadlineMs)
            identities:
              - {role: checkpoint, subjectCN: checkpoint-310000-01, issuerCA: pki/gateways/client-ca.pem}
              - {role: peer-gateway, subjectCN: gateway-330100, issuerCA: pki/gateways/client-ca.pem}
              - {role: peer-gateway, subjectCN: gateway-110000, issuerCA: pki/gateways/client-ca.pem}
              - {role: transfer-agent, subjectCN: transfer-agent-310000, issuerCA: pki/gateways/client-ca.pem}
              - {role: "notifier:330100", subjectCN: hangzhou-notifier, issuerCA: pki/cities/hangzhou/ca.pem}
              - {role: "notifier:310000", subjectCN: shanghai-notifier, issuerCA: pki/cities/shanghai/ca.pem}\(copyNotifiers)
            cities:
            \(copies)\(city(.hangzhou))
            \(city(.shanghai))
            \(city(.beijing))
            database: \(database)
            pseudonymKeyFile: pseudonym.key
            audit: {signingKeyFile: audit.pem, signEveryRecords: 100, signEverySeconds: 60}
            ops: {host: 127.0.0.1, port: 0}
            breaker: {failures: \(breakerFailures), openSeconds: 30}\(bulkhead.map { "\nbulkhead: {maxInFlight: \($0.maxInFlight), maxQueued: \($0.maxQueued)}" } ?? "")
            reloadIntervalSeconds: \(reloadIntervalSeconds)

            """
    }

    /// Writes `healthgate.yaml` into `directory` with Shanghai's published key set (from `federation`), a new
    /// pseudonym key and a new audit signing key (both 0600); creates the database's folder; returns the YAML's path.
    public func write(into directory: URL, federation: SimulatedFederation) throws -> String {
        try Data(ShanghaiSigningKey.jwkSet(federation.shanghai.publishedKeys).bytes)
            .write(to: directory.appendingPathComponent("shanghai-keys.json"))
        try Data(DemoKeys.newSecret()).write(to: directory.appendingPathComponent("pseudonym.key"))
        try Data(DemoKeys.newP256PrivateKeyPEM().utf8).write(to: directory.appendingPathComponent("audit.pem"))
        for name in ["pseudonym.key", "audit.pem"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600],
                                                  ofItemAtPath: directory.appendingPathComponent(name).path)
        }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(database).deletingLastPathComponent(), withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("healthgate.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
