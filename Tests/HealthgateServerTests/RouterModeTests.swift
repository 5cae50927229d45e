import Crypto
import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
import HealthgateStorage
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The gateway's router without TLS (`.router` test mode), with the identity injected: audit failure closes the
/// answer, and notifications authenticate by role.
@Suite("router mode")
struct RouterModeTests {
    struct FailingAudit: AuditRecording {
        func record(_ record: AuditRecord) async throws { throw StorageError(.readOnly, "read-only database") }
    }

    /// Answers every city call with one canned native answer.
    struct CannedTransport: CityTransport {
        let response: NativeResponse
        func send(_ request: NativeRequest, to city: CityConfiguration, timeout: Duration)
            async throws(HealthgateError) -> NativeResponse { response }
    }

    final class MemoryAudit: AuditRecording {
        let records = Synchronization.Mutex<[AuditRecord]>([])
        func record(_ record: AuditRecord) async throws { records.withLock { $0.append(record) } }
    }

    static func withGateway(audit: any AuditRecording, identity: @Sendable (DevPKILayout) -> URL?,
                            _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hg-router-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let layout = try DevPKI.generate(into: directory.appendingPathComponent("pki"))
        try Data(ShanghaiSigningKey.jwkSet([.test]).bytes).write(to: directory.appendingPathComponent("shanghai-keys.json"))
        try Data(repeating: 9, count: 32).write(to: directory.appendingPathComponent("pseudonym.key"))
        try P256.Signing.PrivateKey().pemRepresentation.write(to: directory.appendingPathComponent("audit.pem"),
                                                             atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("healthgate.yaml").path
        try FederationHarness.configYAML(ports: ["hangzhou": 1, "shanghai": 2, "beijing": 3], overrides: [:])
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try ConfigLoader().load(path: path)
        let certificate: CertificateInfo? = try identity(layout).map { file in
            try PEMFile.certificates(atPath: file.path).first!
        }
        let green = #"{"result_code":"SUCCESS","result_msg":"成功","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","user_name":"张*","id_no_masked":"330106********123X","refresh_time":"2020-03-02 08:14:31","color_time":"2020-02-28 10:00:00","color_reason":"R00","quarantine_until":null}}"#
        let dependencies = GatewayDependencies(
            transport: CannedTransport(response: NativeResponse(status: 200, headers: [HTTPField("Content-Type", "application/json")],
                                                                body: Array(green.utf8))),
            cache: NoCache(), audit: audit)
        let server = try GatewayServer(configuration: ConfigStore(config), dependencies: dependencies,
                                       identities: InjectedIdentitySource { _ in certificate })
        let app = Application(router: server.makeRouter())
        try await app.test(.router) { client in try await body(client) }
    }

    @Test("an audit that cannot be written withholds the answer: 503 audit-unavailable")
    func auditFailsClosed() async throws {
        try await Self.withGateway(audit: FailingAudit(), identity: { $0.checkpoint("310000").certificate }) { client in
            try await client.execute(uri: "/v1/verify", method: .post,
                                     body: ByteBuffer(string: #"{"qr":"HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F","scene":"retail"}"#)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("audit-unavailable"))
                #expect(!String(buffer: response.body).contains("green"))
            }
        }
    }

    @Test("with a working audit the same request is answered and audited once; no certificate is 401, audited")
    func auditedOnce() async throws {
        let audit = MemoryAudit()
        try await Self.withGateway(audit: audit, identity: { $0.checkpoint("310000").certificate }) { client in
            try await client.execute(uri: "/v1/verify", method: .post,
                                     body: ByteBuffer(string: #"{"qr":"HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F","scene":"retail"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"status\":\"green\""))
            }
        }
        #expect(audit.records.withLock { $0.count } == 1)
        #expect(audit.records.withLock { $0.first?.outcome } == .verified(status: .green, freshness: .live, admits: true))
        let anonymous = MemoryAudit()
        try await Self.withGateway(audit: anonymous, identity: { _ in nil }) { client in
            try await client.execute(uri: "/v1/verify", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        #expect(anonymous.records.withLock { $0.first?.outcome } == .failed(code: "unauthenticated"))
    }

    @Test("a notifier may post its own city's notification only")
    func notifierScope() async throws {
        let audit = MemoryAudit()
        let note = #"{"notify_type":"COLOR_CHANGED","city_code":"310000","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","code_color":"red","color_time":"2020-03-02 11:20:00"}"#
        try await Self.withGateway(audit: audit, identity: { $0.cityNotifier(.hangzhou).certificate }) { client in
            try await client.execute(uri: "/notifications/hangzhou", method: .post, body: ByteBuffer(string: note)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("SUCCESS"))
            }
            try await client.execute(uri: "/notifications/shanghai", method: .post, body: ByteBuffer(string: note)) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(audit.records.withLock { $0.count } == 2)
    }
}
