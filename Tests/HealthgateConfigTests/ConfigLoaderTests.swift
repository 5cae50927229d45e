import Crypto
import Foundation
import HealthgateConfig
import HealthgateModel
import HealthgatePKI
import Testing

/// Loading and validating configuration files written at test time over a freshly generated development PKI.
@Suite("configuration")
struct ConfigLoaderTests {
    /// A temp folder with a PKI, secrets and a valid configuration; removed afterwards.
    struct Fixture {
        let directory: URL
        let layout: DevPKILayout
        var path: String { directory.appendingPathComponent("healthgate.yaml").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hg-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            layout = try DevPKI.generate(into: directory.appendingPathComponent("pki"))
            try Data(repeating: 7, count: 32).write(to: directory.appendingPathComponent("pseudonym.key"))
            try P256.Signing.PrivateKey().pemRepresentation.write(
                to: directory.appendingPathComponent("audit.pem"), atomically: true, encoding: .utf8)
            try #"{"keys":[]}"#.write(to: directory.appendingPathComponent("keys.json"), atomically: true, encoding: .utf8)
        }

        func write(_ yaml: String) throws { try yaml.write(toFile: path, atomically: true, encoding: .utf8) }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        static let valid = """
            home: "310000"
            listen:
              host: 127.0.0.1
              port: 8443
              certificate: pki/gateways/310000/server.pem
              key: pki/gateways/310000/server.key
              clientCAs: [pki/gateways/client-ca.pem]
            identities:
              - {role: checkpoint, subjectCN: checkpoint-310000-01, issuerCA: pki/gateways/client-ca.pem}
              - {role: "notifier:330100", fingerprint: "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"}
            cities:
              shanghai:
                region: "310000"
                kind: shanghai
                baseURL: https://127.0.0.1:9102
                clientCertificate: pki/cities/shanghai/clients/gateway-310000.pem
                clientKey: pki/cities/shanghai/clients/gateway-310000.key
                caBundle: pki/cities/shanghai/ca.pem
                keySetFile: keys.json
                freshnessSeconds: 30
                staleLimitSeconds: 300
              hangzhou:
                region: "330100"
                kind: hangzhou
                baseURL: https://127.0.0.1:9101
                clientCertificate: pki/cities/hangzhou/clients/gateway-310000.pem
                clientKey: pki/cities/hangzhou/clients/gateway-310000.key
                caBundle: pki/cities/hangzhou/ca.pem
            database: healthgate.sqlite
            pseudonymKeyFile: pseudonym.key
            audit: {signingKeyFile: audit.pem, signEveryRecords: 10, signEverySeconds: 5}
            ops: {host: 127.0.0.1, port: 9090}
            """
    }

    @Test("a valid file loads, with paths resolved against the file's folder")
    func valid() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(Fixture.valid)
        let config = try ConfigLoader().load(path: fixture.path)
        #expect(config.home == .shanghai)
        #expect(config.cities.map(\.name) == ["hangzhou", "shanghai"])
        #expect(config.homeCity.kind == .shanghai)
        #expect(config.listen.certificatePath.hasPrefix(fixture.directory.standardizedFileURL.path))
        #expect(config.listen.bodyLimitBytes == 16384)
        #expect(config.city(named: "shanghai")?.staleLimit == .seconds(300))
        #expect(config.identities.count == 2)
        #expect(config.identities[1].fingerprint?.count == 64)
        #expect(config.identities[1].role == .notifier(.hangzhou))
        #expect(config.ops.host == "127.0.0.1")
        #expect(!config.certificateMaterial.isEmpty)
    }

    @Test("every issue is listed at once, each with the path of its key")
    func everyIssue() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var yaml = Fixture.valid
        yaml = yaml.replacingOccurrences(of: "kind: hangzhou", with: "kind: wuhan")
        yaml = yaml.replacingOccurrences(of: "ops: {host: 127.0.0.1", with: "ops: {host: 0.0.0.0")
        yaml = yaml.replacingOccurrences(of: "staleLimitSeconds: 300", with: "staleLimitSeconds: 10")
        yaml = yaml.replacingOccurrences(of: "caBundle: pki/cities/shanghai/ca.pem", with: "caBundle: missing.pem")
        yaml = yaml.replacingOccurrences(of: "clientKey: pki/cities/hangzhou/clients/gateway-310000.key",
                                         with: "clientKey: pki/cities/beijing/clients/gateway-310000.key")
        yaml = yaml.replacingOccurrences(of: "role: checkpoint", with: "role: janitor")
        try fixture.write(yaml)
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid file loaded")
        } catch {
            let paths = Set(error.issues.map(\.path))
            #expect(paths.contains("cities.hangzhou.kind"))
            #expect(paths.contains("ops.host"))
            #expect(paths.contains("cities.shanghai.staleLimitSeconds"))
            #expect(paths.contains("cities.shanghai.caBundle"))
            #expect(paths.contains("cities.hangzhou.clientKey"))  // key of another certificate
            #expect(paths.contains("identities[0].role"))
            #expect(error.issues.count >= 6)
            #expect(error.description.contains("cities.hangzhou.kind"))
        }
    }

    @Test("expired certificates, a short pseudonym key and a missing home city are refused")
    func expiredAndShort() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ca = try DevCertificateAuthority(commonName: "test CA")
        var request = LeafCertificateRequest.client(commonName: "gateway-310000")
        request.notBefore = Date().addingTimeInterval(-10 * 86400)
        request.notAfter = Date().addingTimeInterval(-86400)
        _ = try ca.issue(request).write(to: fixture.directory, name: "expired")
        try Data(repeating: 1, count: 16).write(to: fixture.directory.appendingPathComponent("pseudonym.key"))
        var yaml = Fixture.valid.replacingOccurrences(
            of: "clientCertificate: pki/cities/hangzhou/clients/gateway-310000.pem", with: "clientCertificate: expired.pem")
        yaml = yaml.replacingOccurrences(of: "home: \"310000\"", with: "home: \"110000\"")
        try fixture.write(yaml)
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid file loaded")
        } catch {
            let byPath = Dictionary(grouping: error.issues, by: \.path)
            #expect(byPath["cities.hangzhou.clientCertificate"]?.contains { $0.message.contains("expired") } == true)
            #expect(byPath["pseudonymKeyFile"] != nil)
            #expect(byPath["home"] != nil)
        }
    }

    @Test("a server certificate without serverAuth and a YAML type error are reported with their paths")
    func typeErrors() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(Fixture.valid.replacingOccurrences(of: "port: 8443", with: "port: eighty"))
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid file loaded")
        } catch {
            #expect(error.issues.first?.path == "listen.port")
        }
        try fixture.write(Fixture.valid.replacingOccurrences(of: "certificate: pki/gateways/310000/server.pem",
                                                             with: "certificate: pki/gateways/310000/peer-client.pem")
            .replacingOccurrences(of: "key: pki/gateways/310000/server.key", with: "key: pki/gateways/310000/peer-client.key"))
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid file loaded")
        } catch {
            #expect(error.issues.contains { $0.path == "listen.certificate" && $0.message.contains("serverAuth") })
        }
    }

    @Test("the roles of the configuration")
    func roles() {
        #expect(Role(word: "checkpoint") == .checkpoint)
        #expect(Role(word: "transfer-agent") == .transferAgent)
        #expect(Role(word: "peer-gateway") == .peerGateway)
        #expect(Role(word: "ops") == .ops)
        #expect(Role(word: "notifier:330100") == .notifier(.hangzhou))
        #expect(Role(word: "notifier:33") == nil)
        #expect(Role(word: "admin") == nil)
    }
}
