import Crypto
import Foundation
import HealthgateConfig
import HealthgateModel
import HealthgatePKI
import Testing

/// `kind: hangzhou` with an optional `qrPrefix`: copies of Hangzhou's platform side by side, each with its own prefix,
/// and the shipped `Config/examples/` that federates Hangzhou plus Wenzhou.
@Suite("Hangzhou-style cities in the configuration")
struct HangzhouStyleConfigTests {
    typealias Fixture = ConfigLoaderTests.Fixture

    static let wenzhou = """
          wenzhou:
            region: "330300"
            kind: hangzhou
            qrPrefix: "WZHC2:"
            baseURL: https://127.0.0.1:9104
            clientCertificate: pki/cities/hangzhou/clients/gateway-310000.pem
            clientKey: pki/cities/hangzhou/clients/gateway-310000.key
            caBundle: pki/cities/hangzhou/ca.pem

        """

    func load(_ yaml: String) throws -> Result<GatewayConfiguration, ConfigValidationError> {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(yaml)
        do { return .success(try ConfigLoader().load(path: fixture.path)) } catch { return .failure(error) }
    }

    func withWenzhou(_ city: String = wenzhou) -> String {
        Fixture.valid.replacingOccurrences(of: "database: healthgate.sqlite", with: city + "database: healthgate.sqlite")
    }

    @Test("Hangzhou defaults to HZHC2:, a copy has its own prefix")
    func prefixes() throws {
        let config = try load(withWenzhou()).get()
        #expect(config.city(named: "hangzhou")?.qrPrefix == "HZHC2:")
        #expect(config.city(named: "wenzhou")?.qrPrefix == "WZHC2:")
        #expect(config.city(named: "wenzhou")?.kind == .hangzhou)
        #expect(config.city(named: "shanghai")?.qrPrefix == nil)
    }

    @Test("a malformed prefix is refused with its key", arguments: ["wzhc2:", "WZHC1:", "WZHC2", "WENZHOU2:", "WZ-C2:"])
    func malformed(prefix: String) throws {
        let yaml = withWenzhou(Self.wenzhou.replacingOccurrences(of: "\"WZHC2:\"", with: "\"\(prefix)\""))
        guard case .failure(let error) = try load(yaml) else {
            Issue.record("\(prefix) was accepted")
            return
        }
        #expect(error.issues.contains { $0.path == "cities.wenzhou.qrPrefix" && $0.message.contains("upper-case letters or digits") })
    }

    @Test("two Hangzhou-style cities with the same prefix are refused (a copy left at the default)")
    func samePrefix() throws {
        let yaml = withWenzhou(Self.wenzhou.replacingOccurrences(of: "    qrPrefix: \"WZHC2:\"\n", with: ""))
        guard case .failure(let error) = try load(yaml) else {
            Issue.record("two cities with HZHC2: were accepted")
            return
        }
        #expect(error.issues.contains { $0.path.hasSuffix(".qrPrefix") && $0.message.contains("HZHC2:") })
    }

    @Test("qrPrefix on a Shanghai city is refused")
    func notHangzhouStyle() throws {
        let yaml = Fixture.valid.replacingOccurrences(of: "    keySetFile: keys.json", with: "    keySetFile: keys.json\n    qrPrefix: \"SHHC2:\"")
        guard case .failure(let error) = try load(yaml) else {
            Issue.record("accepted")
            return
        }
        #expect(error.issues.contains { $0.path == "cities.shanghai.qrPrefix" })
    }

    @Test("a federation city of an unknown region needs a qrPrefix, and works with one")
    func federationCopy() throws {
        let peer = Self.wenzhou.replacingOccurrences(of: "kind: hangzhou", with: "kind: federation")
        #expect(try load(withWenzhou(peer)).get().city(named: "wenzhou")?.qrPrefix == "WZHC2:")
        guard case .failure(let error) = try load(withWenzhou(peer.replacingOccurrences(of: "    qrPrefix: \"WZHC2:\"\n", with: ""))) else {
            Issue.record("accepted")
            return
        }
        #expect(error.issues.contains { $0.path == "cities.wenzhou.region" && $0.message.contains("qrPrefix") })
    }

    /// The repository's `Config/` folder.
    static let configFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")

    @Test("every shipped example loads against a development PKI with Wenzhou added (`pki dev --add-city`)")
    func shippedExamples() throws {
        let examples = Self.configFolder.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        // Config/examples/X.yaml names ../dev/…: lay out the same shape in a temp dir.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hg-examples-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dev = root.appendingPathComponent("dev")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("examples"), withIntermediateDirectories: true)
        try DevPKI.generate(into: dev)
        try DevPKI.addCity(DevCity(name: "wenzhou", region: "330300"), into: dev)
        try Data(repeating: 7, count: 32).write(to: dev.appendingPathComponent("pseudonym.key"))
        try Data(P256.Signing.PrivateKey().pemRepresentation.utf8).write(to: dev.appendingPathComponent("audit-signing.pem"))
        try FileManager.default.copyItem(at: Self.configFolder.appendingPathComponent("shanghai-keys.json"),
                                         to: root.appendingPathComponent("shanghai-keys.json"))
        for file in files {
            let target = root.appendingPathComponent("examples").appendingPathComponent(file)
            try FileManager.default.copyItem(at: examples.appendingPathComponent(file), to: target)
            let config: GatewayConfiguration
            do { config = try ConfigLoader().load(path: target.path) } catch {
                Issue.record("\(file): \(error)")
                continue
            }
            let prefixes = config.cities.compactMap(\.qrPrefix)
            #expect(Set(prefixes).count == prefixes.count, "\(file)")
            if file.contains("wenzhou") {
                #expect(config.city(named: "wenzhou")?.region.rawValue == "330300")
                #expect(config.city(named: "wenzhou")?.qrPrefix == "WZHC2:")
                #expect(config.city(named: "hangzhou")?.qrPrefix == "HZHC2:")
            }
        }
    }
}
