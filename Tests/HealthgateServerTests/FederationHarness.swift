import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import HealthgateCore
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Logging
import SwiftASN1
import ServiceLifecycle
import Synchronization
import X509

/// A whole local federation for one test: the three simulated cities on 127.0.0.1 with a development PKI and the
/// gateway's files in a temp dir (`CityFederation`), and, in this process, a Shanghai gateway (the real `LiveGateway`: SQLite audit and cache, libcurl transport) configured from a YAML
/// file written for their ports. Clients are libcurl clients presenting certificates of the PKI.
final class FederationHarness: Sendable {
    /// The cities, the PKI and the gateway's files (`CityFederation`).
    let cities: CityFederation
    let gateway: LiveGateway
    let gatewayPort: Int
    let opsPort: Int
    let client: CurlHTTPClient
    /// The gateway's wall clock: the system's, until a test moves it forward.
    let clock: AdjustableWallClock
    private let gatewayGroup: ServiceGroup
    private let gatewayTask: Task<Void, any Error>

    var directory: URL { cities.directory }
    var layout: DevPKILayout { cities.layout }
    var federation: SimulatedFederation { cities.federation }
    var configPath: String { cities.configPath }

    private init(cities: CityFederation, gateway: LiveGateway, gatewayPort: Int, opsPort: Int, client: CurlHTTPClient,
                 clock: AdjustableWallClock, gatewayGroup: ServiceGroup, gatewayTask: Task<Void, any Error>) {
        self.cities = cities
        self.gateway = gateway
        self.gatewayPort = gatewayPort
        self.opsPort = opsPort
        self.client = client
        self.clock = clock
        self.gatewayGroup = gatewayGroup
        self.gatewayTask = gatewayTask
    }

    /// City-level overrides written into the YAML, by city name (`staleLimitSeconds: 600`).
    typealias Overrides = [String: [String: String]]

    /// Runs `body` with a running federation, then stops everything and removes the temp dir.
    static func withFederation<T: Sendable>(overrides: Overrides = [:], copies: [HangzhouCopy] = [],
                                            _ body: @Sendable (FederationHarness) async throws -> T) async throws -> T {
        let harness = try await start(overrides: overrides, copies: copies)
        do {
            let value = try await body(harness)
            await harness.stop()
            return value
        } catch {
            await harness.stop()
            throw error
        }
    }

    static func start(overrides: Overrides, copies: [HangzhouCopy] = []) async throws -> FederationHarness {
        let cities = try await CityFederation.start(overrides: overrides, copies: copies)
        do {
            return try await start(gatewayOn: cities)
        } catch {
            await cities.stop()
            throw error
        }
    }

    /// Runs the gateway in this process on the files `cities` wrote (or on `configPath`, a replica's), once its key
    /// refresher has Shanghai's keys; the cities notify it unless `subscribe` is false.
    static func start(gatewayOn cities: CityFederation, configPath: String? = nil,
                      subscribe: Bool = true) async throws -> FederationHarness {
        var quiet = Logger(label: "healthgate.test")
        quiet.logLevel = .critical
        let configPath = configPath ?? cities.configPath
        let snapshot = try ConfigLoader().load(path: configPath)
        let clock = AdjustableWallClock()
        let gateway = try await LiveGateway.make(configuration: ConfigStore(snapshot), clock: clock, logger: quiet)

        let (gatewayPorts, gatewayContinuation) = AsyncStream<(String, Int)>.makeStream()
        let services = try gateway.server.services(
            onGatewayRunning: { gatewayContinuation.yield(("gateway", $0)) },
            onOpsRunning: { gatewayContinuation.yield(("ops", $0)) })
        let gatewayGroup = ServiceGroup(configuration: .init(services: services, logger: quiet))
        let gatewayTask = Task { try await gatewayGroup.run() }
        var bound: [String: Int] = [:]
        for await (name, port) in gatewayPorts {
            bound[name] = port
            if bound.count == 2 { break }
        }
        let client = try CurlHTTPClient(logger: quiet)
        // The key refresher's first fetch of Shanghai's keys, so that tests' fault switches see only their requests.
        for _ in 0..<100 where gateway.server.adapters.keyStore(for: .shanghai)?.replacedAt == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        let harness = FederationHarness(
            cities: cities, gateway: gateway, gatewayPort: bound["gateway"]!, opsPort: bound["ops"]!, client: client,
            clock: clock, gatewayGroup: gatewayGroup, gatewayTask: gatewayTask)
        let federation = cities.federation
        guard subscribe else { return harness }
        // The cities notify this gateway.
        let base = "https://127.0.0.1:\(harness.gatewayPort)/notifications/"
        federation.hangzhou.notifier.subscribe(NotificationSubscription(url: URL(string: base + "hangzhou")!, region: "310000"))
        federation.shanghai.notifier.subscribe(NotificationSubscription(url: URL(string: base + "shanghai")!, region: "310000"))
        for (name, copy) in cities.copies {
            copy.notifier.subscribe(NotificationSubscription(url: URL(string: base + name)!, region: "310000"))
        }
        return harness
    }

    /// The tests' configuration over cities on `ports`: tighter than the demo's (2 s per city call, no stale answers,
    /// 6 s per request, the breaker opens after 3 failures, the file checked every second).
    static func configuration(ports: [String: Int], overrides: Overrides) -> LocalFederationConfiguration {
        var configuration = LocalFederationConfiguration(cityURLs: ports.mapValues { URL(string: "https://127.0.0.1:\($0)")! })
        configuration.cityDeadlineMs = 2000
        configuration.staleLimitSeconds = 0
        configuration.requestDeadlineMs = 6000
        configuration.breakerFailures = 3
        configuration.bulkhead = (maxInFlight: 8, maxQueued: 24)  // small, so that the resilience tests fill it
        configuration.reloadIntervalSeconds = 1
        configuration.cityOverrides = overrides
        return configuration
    }

    /// The YAML of `configuration(ports:overrides:)`.
    static func configYAML(ports: [String: Int], overrides: Overrides) -> String {
        configuration(ports: ports, overrides: overrides).yaml
    }

    /// Stops this harness's gateway (its servers, then its storage) and starts a new one in this process on the same
    /// cities and files (database, keys, configuration), as a restart would. The cities keep running, and this
    /// harness's `stop()` still stops them; stop the returned harness with `stopGateway()`.
    func restartedGateway() async throws -> FederationHarness {
        await stopGateway()
        return try await Self.start(gatewayOn: cities)
    }

    /// Stops this harness's gateway and client, not the cities (harmless when already stopped).
    func stopGateway() async {
        client.shutdown()
        await gatewayGroup.triggerGracefulShutdown()
        _ = await gatewayTask.result
        await gateway.close()
    }

    func stop() async {
        client.shutdown()
        await gatewayGroup.triggerGracefulShutdown()
        _ = await gatewayTask.result
        await gateway.close()
        await cities.stop()
    }

    // MARK: Clients

    /// The checkpoint's certificate files.
    var checkpoint: DevCertificateFiles { layout.checkpoint("310000") }

    /// An endpoint of this gateway presenting `identity` (none: no client certificate).
    func endpoint(_ identity: DevCertificateFiles?, ops: Bool = false) -> EndpointConfiguration {
        EndpointConfiguration(
            baseURL: URL(string: "https://127.0.0.1:\(gatewayPort)")!, clientCertificateFile: identity?.certificate.path,
            clientKeyFile: identity?.privateKey.path, trustedCAFile: layout.gatewayServerCA.certificate.path,
            connectTimeout: .seconds(10), requestTimeout: .seconds(30), offersHTTP2: false)
    }

    /// A JSON POST to the gateway.
    func post(_ path: String, json: String, as identity: DevCertificateFiles?, headers: [String: String] = [:])
        async throws -> TransportResponse {
        var fields: TransportHeaders = ["Content-Type": "application/json"]
        for (name, value) in headers { fields.add(name: name, value: value) }
        return try await client.send(TransportRequest(method: .post, path: path, headers: fields, body: Array(json.utf8)),
                                     endpoint: endpoint(identity))
    }

    /// `POST /v1/verify` as the Shanghai checkpoint; the parsed JSON answer and the status.
    func verify(_ qr: String, scene: String = "transport", as identity: DevCertificateFiles? = nil)
        async throws -> (status: Int, json: [String: Any]) {
        let body = try JSONSerialization.data(withJSONObject: ["qr": qr, "scene": scene])
        let response = try await post("/v1/verify", json: String(decoding: body, as: UTF8.self), as: identity ?? checkpoint)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// A GET to the gateway's mutual-TLS port.
    func get(_ path: String, as identity: DevCertificateFiles?) async throws -> TransportResponse {
        try await client.send(TransportRequest(method: .get, path: path, headers: [:], body: []),
                              endpoint: endpoint(identity))
    }

    /// A plain-HTTP GET on the operations port.
    func ops(_ path: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(opsPort)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Every audit record so far.
    func auditEntries() async throws -> [HealthgateStorage.AuditEntry] {
        let head = try await gateway.audit.head()
        guard head.seq > 0 else { return [] }
        return try await gateway.audit.entries(seq: 1...head.seq)
    }

    /// A certificate issued by the gateways' client CA with custom settings (expired, serverAuth-only…).
    func issueClient(_ request: LeafCertificateRequest, name: String) throws -> DevCertificateFiles {
        let ca = try DevCertificateAuthority(identity: DevCertificate(
            certificate: Certificate(pemEncoded: String(contentsOf: layout.gatewayClientCA.certificate, encoding: .utf8)),
            privateKey: P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: layout.gatewayClientCA.privateKey,
                                                                          encoding: .utf8))))
        return try ca.issue(request).write(to: directory.appendingPathComponent("extra"), name: name)
    }
}
