import Crypto
import Foundation
import HealthgateModel
import X509

/// Checks a `ConfigFile` key by key, collecting issues with their paths, and builds the snapshot when there are none.
struct ConfigValidator {
    let file: ConfigFile
    let baseDirectory: String
    let now: Date
    let environment: [String: String]
    var issues: [ConfigIssue] = []
    var material: [CertificateMaterial] = []

    init(file: ConfigFile, baseDirectory: String, now: Date, environment: [String: String]) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.now = now
        self.environment = environment
    }

    /// A city's per-attempt deadline when the file gives none.
    static let defaultCityDeadlineMs = 5_000

    mutating func fail(_ path: String, _ message: String) { issues.append(ConfigIssue(path, message)) }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// A required value, or an issue.
    mutating func required<T>(_ value: T?, _ path: String) -> T? {
        if value == nil { fail(path, "missing") }
        return value
    }

    /// A file that must exist and be readable.
    mutating func readableFile(_ value: String?, _ path: String) -> String? {
        guard let value = required(value, path) else { return nil }
        let full = resolve(value)
        guard FileManager.default.isReadableFile(atPath: full) else {
            fail(path, "file not found or not readable: \(full)")
            return nil
        }
        return full
    }

    mutating func positive(_ value: Int?, _ path: String, default fallback: Int) -> Int {
        let value = value ?? fallback
        if value <= 0 { fail(path, "must be greater than 0") }
        return value
    }

    mutating func port(_ value: Int?, _ path: String) -> Int {
        guard let value = required(value, path) else { return 0 }
        if !(0...65535).contains(value) { fail(path, "not a port number") }
        return value
    }

    /// A certificate file's leaf, checked for validity and, when asked, an EKU.
    mutating func leafCertificate(_ full: String?, _ path: String, owner: String,
                                  eku: ExtendedKeyUsage.Usage?, ekuName: String) -> CertificateInfo? {
        guard let full else { return nil }
        let list: [CertificateInfo]
        do { list = try PEMFile.certificates(atPath: full) } catch {
            fail(path, "not a readable PEM certificate")
            return nil
        }
        guard let leaf = list.first else {
            fail(path, "no certificate in the file")
            return nil
        }
        if now > leaf.certificate.notValidAfter {
            fail(path, "certificate expired on \(ChinaTime.formatISO(leaf.certificate.notValidAfter))")
        } else if now < leaf.certificate.notValidBefore {
            fail(path, "certificate not valid before \(ChinaTime.formatISO(leaf.certificate.notValidBefore))")
        }
        if let eku, !leaf.hasExtendedKeyUsage(eku) { fail(path, "certificate lacks EKU \(ekuName)") }
        material.append(CertificateMaterial(key: path, path: full, notValidAfter: leaf.certificate.notValidAfter,
                                            notValidBefore: leaf.certificate.notValidBefore, owner: owner))
        return leaf
    }

    /// A CA bundle: at least one certificate, none expired.
    mutating func caBundle(_ full: String?, _ path: String, owner: String) -> [CertificateInfo] {
        guard let full else { return [] }
        let list: [CertificateInfo]
        do { list = try PEMFile.certificates(atPath: full) } catch {
            fail(path, "not a readable PEM certificate bundle")
            return []
        }
        if list.isEmpty { fail(path, "no certificate in the bundle") }
        for ca in list {
            if now > ca.certificate.notValidAfter { fail(path, "CA certificate \(ca.subjectCN ?? "?") expired") }
            material.append(CertificateMaterial(key: path, path: full, notValidAfter: ca.certificate.notValidAfter,
                                                notValidBefore: ca.certificate.notValidBefore, owner: owner))
        }
        return list
    }

    /// A private key that must match `certificate` (when the key is not encrypted).
    mutating func privateKey(_ full: String?, _ path: String, matching certificate: CertificateInfo?,
                             passphraseEnv: String?, passphrasePath: String) {
        guard let full else { return }
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
            fail(path, "not a readable PEM key")
            return
        }
        if text.contains("ENCRYPTED") {
            if let passphraseEnv {
                if environment[passphraseEnv] == nil { fail(passphrasePath, "environment variable \(passphraseEnv) is not set") }
            } else {
                fail(passphrasePath, "the key is encrypted: name the environment variable holding its passphrase")
            }
            return
        }
        let key: Certificate.PrivateKey
        do { key = try Certificate.PrivateKey(pemEncoded: text) } catch {
            fail(path, "not a PEM private key this gateway can read (PKCS#8 or SEC1 EC, RSA)")
            return
        }
        if let certificate, key.publicKey != certificate.certificate.publicKey {
            fail(path, "the key does not match the certificate")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    mutating func validate(sourcePath: String, modified: Date) throws(ConfigValidationError) -> GatewayConfiguration {
        // home
        let home = required(file.home, "home").flatMap { word -> RegionCode? in
            guard let code = RegionCode(rawValue: word) else {
                fail("home", "not a six-digit region code")
                return nil
            }
            return code
        }

        // listen
        let listen = file.listen ?? ConfigFile.Listen()
        if file.listen == nil { fail("listen", "missing") }
        let listenHost = file.listen == nil ? "" : (required(listen.host, "listen.host") ?? "")
        let listenPort = file.listen == nil ? 0 : port(listen.port, "listen.port")
        let serverCertPath = file.listen == nil ? nil : readableFile(listen.certificate, "listen.certificate")
        let serverKeyPath = file.listen == nil ? nil : readableFile(listen.key, "listen.key")
        let serverCert = leafCertificate(serverCertPath, "listen.certificate", owner: "gateway", eku: .serverAuth,
                                         ekuName: "serverAuth")
        privateKey(serverKeyPath, "listen.key", matching: serverCert, passphraseEnv: listen.keyPassphraseEnv,
                   passphrasePath: "listen.keyPassphraseEnv")
        var clientCAPaths: [String] = []
        if file.listen != nil {
            if (listen.clientCAs ?? []).isEmpty { fail("listen.clientCAs", "at least one client CA bundle is required") }
            for (index, ca) in (listen.clientCAs ?? []).enumerated() {
                let key = "listen.clientCAs[\(index)]"
                if let full = readableFile(ca, key) {
                    _ = caBundle(full, key, owner: "gateway")
                    clientCAPaths.append(full)
                }
            }
        }
        let bodyLimit = positive(listen.bodyLimitBytes, "listen.bodyLimitBytes", default: 16 * 1024)
        let requestDeadline = positive(listen.requestDeadlineMs, "listen.requestDeadlineMs", default: 10_000)
        let headerTimeout = positive(listen.headerTimeoutMs, "listen.headerTimeoutMs", default: 5_000)
        let bodyTimeout = positive(listen.bodyTimeoutMs, "listen.bodyTimeoutMs", default: min(5_000, requestDeadline))

        // identities
        var rules: [IdentityRule] = []
        for (index, identity) in (file.identities ?? []).enumerated() {
            let key = "identities[\(index)]"
            var role: Role?
            if let word = required(identity.role, "\(key).role") {
                role = Role(word: word)
                if role == nil { fail("\(key).role", "unknown role \(word) (checkpoint, transfer-agent, peer-gateway, ops, notifier:<region>)") }
            }
            if identity.subjectCN == nil, identity.fingerprint == nil {
                fail(key, "give subjectCN, fingerprint, or both")
            } else if identity.fingerprint == nil, identity.issuerCA == nil {
                fail("\(key).issuerCA", "missing: a subject CN alone would be trusted from every CA in listen.clientCAs; name the CA that issues it, or pin a fingerprint")
            }
            var fingerprint: String?
            if let raw = identity.fingerprint {
                let normalised = raw.lowercased().replacingOccurrences(of: ":", with: "")
                if normalised.count != 64 || !normalised.allSatisfy(\.isHexDigit) {
                    fail("\(key).fingerprint", "not a SHA-256 fingerprint (64 hex digits)")
                } else {
                    fingerprint = normalised
                }
            }
            var issuer: Certificate?
            if identity.issuerCA != nil {
                let full = readableFile(identity.issuerCA, "\(key).issuerCA")
                issuer = caBundle(full, "\(key).issuerCA", owner: "gateway").first?.certificate
            }
            if let role { rules.append(IdentityRule(role: role, subjectCN: identity.subjectCN, fingerprint: fingerprint, issuerCA: issuer)) }
        }
        if (file.identities ?? []).isEmpty { fail("identities", "no identity is mapped to a role: nobody could call") }

        // cities
        var cities: [CityConfiguration] = []
        var seenRegions: [RegionCode: String] = [:]
        var seenPrefixes: [String: String] = [:]
        if (file.cities ?? [:]).isEmpty { fail("cities", "no city configured") }
        for (name, city) in (file.cities ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let built = validateCity(name: name, city: city) {
                if let other = seenRegions[built.region] {
                    fail("cities.\(name).region", "region \(built.region) already configured for \(other)")
                }
                seenRegions[built.region] = name
                if let prefix = built.qrPrefix {
                    if let other = seenPrefixes[prefix] {
                        fail("cities.\(name).qrPrefix", "prefix \(prefix) already recognised for \(other): each Hangzhou-style city needs its own (set qrPrefix)")
                    }
                    seenPrefixes[prefix] = name
                }
                cities.append(built)
            }
        }
        if let home, !(file.cities ?? [:]).isEmpty, seenRegions[home] == nil,
           !(file.cities ?? [:]).values.contains(where: { $0.region == home.rawValue }) {
            fail("home", "no city with region \(home) is configured: the home city needs its own adapter")
        }
        for rule in rules {
            if case .notifier(let region) = rule.role, seenRegions[region] == nil,
               !(file.cities ?? [:]).values.contains(where: { $0.region == region.rawValue }) {
                fail("identities", "notifier:\(region) names a city that is not configured")
            }
        }

        // database
        var databasePath = ""
        if let db = required(file.database, "database") {
            databasePath = resolve(db)
            let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
                fail("database", "folder does not exist: \(folder)")
            } else if !FileManager.default.isWritableFile(atPath: folder) {
                fail("database", "folder is not writable: \(folder)")
            }
        }

        // pseudonym key
        var pseudonymKey: PseudonymKey?
        if let full = readableFile(file.pseudonymKeyFile, "pseudonymKeyFile") {
            let bytes = FileManager.default.contents(atPath: full) ?? Data()
            pseudonymKey = PseudonymKey(bytes: bytes)
            if pseudonymKey == nil { fail("pseudonymKeyFile", "the key must be at least 32 bytes (it has \(bytes.count))") }
        }

        // audit
        let audit = file.audit ?? ConfigFile.Audit()
        if file.audit == nil { fail("audit", "missing") }
        let signingKeyPath = file.audit == nil ? nil : readableFile(audit.signingKeyFile, "audit.signingKeyFile")
        if let signingKeyPath {
            let text = (try? String(contentsOfFile: signingKeyPath, encoding: .utf8)) ?? ""
            if (try? P256.Signing.PrivateKey(pemRepresentation: text)) == nil,
               (try? Curve25519.Signing.PrivateKey(pemRepresentationOrRaw: text)) == nil {
                fail("audit.signingKeyFile", "not a PEM P-256 or Ed25519 private key")
            }
        }
        // The head witness: beside the database unless configured (better: another volume, or a file shipped off-host).
        var headsPath = ""
        if let heads = audit.headsFile {
            headsPath = resolve(heads)
            let folder = URL(fileURLWithPath: headsPath).deletingLastPathComponent().path
            if !FileManager.default.isWritableFile(atPath: folder) { fail("audit.headsFile", "folder is not writable: \(folder)") }
        } else if !databasePath.isEmpty {
            headsPath = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("audit-heads.jsonl").path
        }
        let signRecords = positive(audit.signEveryRecords, "audit.signEveryRecords", default: 1000)
        let signSeconds = positive(audit.signEverySeconds, "audit.signEverySeconds", default: 60)

        // ops
        let ops = file.ops ?? ConfigFile.Ops(host: "127.0.0.1", port: 9090)
        let opsHost = ops.host ?? "127.0.0.1"
        if !Self.isLoopback(opsHost) { fail("ops.host", "the operations port is plain HTTP: bind it to 127.0.0.1 only") }
        let opsPort = port(ops.port ?? 9090, "ops.port")

        // breaker
        let breaker = file.breaker ?? ConfigFile.Breaker()
        let breakerFailures = positive(breaker.failures, "breaker.failures", default: 5)
        let breakerOpen = positive(breaker.openSeconds, "breaker.openSeconds", default: 30)
        let reload = positive(file.reloadIntervalSeconds, "reloadIntervalSeconds", default: 2)
        let bulkheadLimits = bulkhead(file.bulkhead)
        for city in cities where city.maxConnections < bulkheadLimits.maxInFlight {
            fail("cities.\(city.name).maxConnections", "fewer than bulkhead.maxInFlight (\(bulkheadLimits.maxInFlight)): calls would wait for a connection inside libcurl, against their attempt's timeout")
        }
        let retryLimits = retryBudget(file.retryBudget)

        // Timing that cannot work as written.
        for (name, city) in (file.cities ?? [:]).sorted(by: { $0.key < $1.key }) {
            let deadline = city.deadlineMs ?? Self.defaultCityDeadlineMs
            if deadline > requestDeadline {
                fail("listen.requestDeadlineMs", "shorter than cities.\(name).deadlineMs (\(deadline) ms): that city's answer could never arrive in time")
            }
        }
        if headerTimeout > requestDeadline {
            fail("listen.headerTimeoutMs", "longer than listen.requestDeadlineMs (\(requestDeadline) ms)")
        }
        if bodyTimeout > requestDeadline {
            fail("listen.bodyTimeoutMs", "longer than listen.requestDeadlineMs (\(requestDeadline) ms)")
        }

        let storage = validateStorage(file.storage)
        let warnings = crossChecks(clientCAPaths: clientCAPaths, cities: cities)

        guard issues.isEmpty, let home, let serverCertPath, let serverKeyPath, let pseudonymKey, let signingKeyPath else {
            throw ConfigValidationError(issues: issues.isEmpty ? [ConfigIssue("(file)", "incomplete")] : issues)
        }
        var configuration = GatewayConfiguration(
            sourcePath: sourcePath, loadedFrom: modified, home: home,
            listen: ListenConfiguration(
                host: listenHost, port: listenPort, certificatePath: serverCertPath, keyPath: serverKeyPath,
                keyPassphraseEnv: listen.keyPassphraseEnv, clientCAPaths: clientCAPaths, bodyLimitBytes: bodyLimit,
                requestDeadline: .milliseconds(requestDeadline), headerTimeout: .milliseconds(headerTimeout)),
            identities: rules, cities: cities, databasePath: databasePath, pseudonymKey: pseudonymKey,
            audit: AuditConfiguration(signingKeyPath: signingKeyPath, signEveryRecords: signRecords,
                                      signEvery: .seconds(signSeconds), headsPath: headsPath),
            ops: OpsConfiguration(host: opsHost, port: opsPort),
            breaker: BreakerConfiguration(failures: breakerFailures, openFor: .seconds(breakerOpen)),
            reloadInterval: .seconds(reload), certificateMaterial: material, warnings: warnings, storage: storage)
        configuration.listen.bodyTimeout = .milliseconds(bodyTimeout)
        configuration.bulkhead = bulkheadLimits
        configuration.retryBudget = retryLimits
        return configuration
    }

    mutating func validateCity(name: String, city: ConfigFile.City) -> CityConfiguration? {
        let key = "cities.\(name)"
        let region = required(city.region, "\(key).region").flatMap { word -> RegionCode? in
            guard let code = RegionCode(rawValue: word) else {
                fail("\(key).region", "not a six-digit region code")
                return nil
            }
            return code
        }
        let kind = required(city.kind, "\(key).kind").flatMap { word -> AdapterKind? in
            guard let kind = AdapterKind(rawValue: word) else {
                fail("\(key).kind", "unknown kind \(word) (hangzhou, shanghai, beijing, federation)")
                return nil
            }
            return kind
        }
        var baseURL = ""
        if let url = required(city.baseURL, "\(key).baseURL") {
            if let parsed = URL(string: url), parsed.scheme == "https", let host = parsed.host, !host.isEmpty {
                baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                fail("\(key).baseURL", "must be an https:// URL with a host")
            }
        }
        let certPath = readableFile(city.clientCertificate, "\(key).clientCertificate")
        let keyPath = readableFile(city.clientKey, "\(key).clientKey")
        let certificate = leafCertificate(certPath, "\(key).clientCertificate", owner: name, eku: .clientAuth,
                                          ekuName: "clientAuth")
        privateKey(keyPath, "\(key).clientKey", matching: certificate, passphraseEnv: city.passphraseEnv,
                   passphrasePath: "\(key).passphraseEnv")
        if let env = city.passphraseEnv, environment[env] == nil {
            if !issues.contains(where: { $0.path == "\(key).passphraseEnv" }) {
                fail("\(key).passphraseEnv", "environment variable \(env) is not set")
            }
        }
        let caPath = readableFile(city.caBundle, "\(key).caBundle")
        _ = caBundle(caPath, "\(key).caBundle", owner: name)
        if let pin = city.pin {
            let pins = pin.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let valid = !pins.isEmpty && pins.allSatisfy { entry in
                entry.hasPrefix("sha256//") && Data(base64Encoded: String(entry.dropFirst(8)))?.count == 32
            }
            if !valid { fail("\(key).pin", "not a pin of the form sha256//<base64 of 32 bytes>") }
        }
        let connect = positive(city.connectTimeoutMs, "\(key).connectTimeoutMs", default: 2_000)
        let deadline = positive(city.deadlineMs, "\(key).deadlineMs", default: Self.defaultCityDeadlineMs)
        if connect > deadline { fail("\(key).connectTimeoutMs", "longer than the deadline (\(deadline) ms)") }
        let maxBytes = positive(city.maxResponseBytes, "\(key).maxResponseBytes", default: 1 << 20)
        let freshness = city.freshnessSeconds ?? 30
        if freshness < 0 { fail("\(key).freshnessSeconds", "must not be negative") }
        let stale = city.staleLimitSeconds ?? 0
        if stale < 0 { fail("\(key).staleLimitSeconds", "must not be negative") }
        if stale > 0, stale < freshness {
            fail("\(key).staleLimitSeconds", "shorter than the freshness budget (\(freshness) s): stale would never apply")
        }
        if city.allowStaleAdmit == true, stale == 0 {
            fail("\(key).allowStaleAdmit", "stale answers are off (staleLimitSeconds is 0)")
        }
        let qrPrefix = hangzhouStylePrefix(city, kind: kind, region: region, key: key)
        if city.allowSignatureOnlyAdmit == true, kind != .shanghai {
            fail("\(key).allowSignatureOnlyAdmit", "only Shanghai codes carry a signed status")
        }
        var keySetPath: String?
        if kind == .shanghai || (kind == .federation && region == .shanghai) {
            keySetPath = readableFile(city.keySetFile, "\(key).keySetFile")
            if let keySetPath {
                let data = FileManager.default.contents(atPath: keySetPath) ?? Data()
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                if object?["keys"] as? [Any] == nil { fail("\(key).keySetFile", "not a JWK set ({\"keys\": [...]})") }
            }
        } else if city.keySetFile != nil {
            fail("\(key).keySetFile", "only Shanghai (directly or through its gateway) has a key set")
        }
        let refresh = positive(city.keyRefreshSeconds, "\(key).keyRefreshSeconds", default: 3600)
        let support = support(city.support, "\(key).support")
        let connections = city.maxConnections ?? CityConfiguration.defaultMaxConnections
        if !(1...1024).contains(connections) { fail("\(key).maxConnections", "must be between 1 and 1024") }
        guard let region, let kind, let certPath, let keyPath, let caPath, !baseURL.isEmpty else { return nil }
        var built = CityConfiguration(
            name: name, region: region, kind: kind, baseURL: baseURL, clientCertificatePath: certPath,
            clientKeyPath: keyPath, passphraseEnv: city.passphraseEnv, caBundlePath: caPath, pin: city.pin,
            connectTimeout: .milliseconds(connect), deadline: .milliseconds(deadline), maxResponseBytes: maxBytes,
            freshness: .seconds(max(freshness, 0)), staleLimit: .seconds(max(stale, 0)),
            allowStaleAdmit: city.allowStaleAdmit ?? false, allowSignatureOnlyAdmit: city.allowSignatureOnlyAdmit ?? false,
            keySetPath: keySetPath, keyRefreshInterval: .seconds(refresh), support: support, qrPrefix: qrPrefix)
        built.maxConnections = connections
        return built
    }
}

extension Curve25519.Signing.PrivateKey {
    /// An Ed25519 key from a PKCS#8 PEM document.
    init(pemRepresentationOrRaw text: String) throws {
        let blocks = PEMFile.blocks(text, label: "PRIVATE KEY")
        guard let der = blocks.first, der.count >= 32 else { throw ConfigValidationError(issues: []) }
        try self.init(rawRepresentation: der.suffix(32))
    }
}
