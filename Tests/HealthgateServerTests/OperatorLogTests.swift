import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HealthgatePKI
import HealthgateSimulators
import HealthgateTransport
import SwiftASN1
import Testing
import X509

#if canImport(Glibc)
import Glibc
#endif

/// What an operator sees of a real `healthgate serve`: the notification URLs at start, a refused notifier with the
/// reason, refused TLS handshakes in the log and in `/metrics`, a city failing, a notification arriving, a reload that
/// needs a restart, the shutdown, all time-stamped +08:00; and a database whose write-ahead log is empty afterwards.
@Suite("gateway process: what the operator sees", .serialized)
struct OperatorLogTests {
    static let needsExecutable = Testing.ConditionTrait.enabled(
        if: GatewayExecutable.url != nil, "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first")

    /// Polls the child's log until it contains `text` (or 10 s pass).
    static func waitForLog(_ gateway: GatewayProcess, _ text: String) async throws -> Bool {
        let until = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < until {
            if let log = try? String(contentsOf: gateway.logURL, encoding: .utf8), log.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test("log lines an operator needs, +08:00; handshake refusals in /metrics; the WAL empty after SIGTERM",
          needsExecutable, .timeLimit(.minutes(2)))
    func operatorView() async throws {
        let executable = try #require(GatewayExecutable.url)
        let cities = try await CityFederation.start()
        defer { Task { await cities.stop() } }
        let client = try cities.makeClient()
        defer { client.shutdown() }
        let gateway = try await GatewayProcess.start(
            executable, arguments: GatewayProcess.serveArguments(configPath: cities.configPath), name: "gateway",
            in: cities.directory)
        defer { gateway.kill(SIGKILL) }

        // The notification URLs, with the port the listener really got.
        #expect(try await Self.waitForLog(gateway, "url=https://127.0.0.1:\(gateway.port)/notifications/hangzhou"))
        #expect(try await Self.waitForLog(gateway, "url=https://127.0.0.1:\(gateway.port)/notifications/shanghai"))

        // A checkpoint's certificate on a notification endpoint: 403, and the log says why.
        let refused = try await client.send(
            TransportRequest(method: .post, path: "/notifications/hangzhou", headers: ["Content-Type": "application/json"],
                             body: Array("{}".utf8)),
            endpoint: cities.endpoint(port: gateway.port, identity: cities.checkpoint))
        #expect(refused.status == 403)
        #expect(try await Self.waitForLog(gateway, "request refused: 403 forbidden"))
        #expect(try await Self.waitForLog(gateway, "not notifier:330100"))

        // Hangzhou's notifier CN, but issued by another CA the listener trusts: the log names the issuerCA.
        let impostor = try Self.issueClient(commonName: "hangzhou-notifier", in: cities)
        let wrongIssuer = try await client.send(
            TransportRequest(method: .post, path: "/notifications/hangzhou", headers: ["Content-Type": "application/json"],
                             body: Array("{}".utf8)),
            endpoint: cities.endpoint(port: gateway.port, identity: impostor))
        #expect(wrongIssuer.status == 403)
        #expect(try await Self.waitForLog(gateway, "matches the CN, but its issuerCA did not issue this certificate"))

        // A client certificate from a CA the listener does not trust: refused in the handshake, logged and counted.
        let untrusted = cities.layout.gatewayClient(of: "310000", issuedBy: .beijing)
        do {
            _ = try await cities.verify("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", client: client, port: gateway.port,
                                        as: untrusted)
            Issue.record("a certificate from an untrusted CA was accepted")
        } catch {}
        #expect(try await Self.waitForLog(gateway, "TLS handshake refused"))
        let (metricsData, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(gateway.opsPort)/metrics")!)
        let metrics = String(decoding: metricsData, as: UTF8.self)
        #expect(metrics.contains("healthgate_tls_handshake_failures_total{reason=\"client-certificate-untrusted\"}"),
                "\(metrics.split(separator: "\n").filter { $0.contains("handshake") })")

        // A city failing: Hangzhou resets the connection (both attempts).
        let hz = cities.federation.hangzhou
        hz.faults.set(.reset, times: 2)
        let issued = try hz.issueCode(for: "green-R00")
        let failed = try await cities.verify(issued, client: client, port: gateway.port)
        #expect(failed.status == 503)
        #expect(try await Self.waitForLog(gateway, "city call failed"))

        // A notification arriving.
        hz.notifier.subscribe(NotificationSubscription(
            url: URL(string: "https://127.0.0.1:\(gateway.port)/notifications/hangzhou")!, region: "310000"))
        let deliveries = try await hz.setStatus("yellow-R12", color: "red", reason: "R21")
        #expect(deliveries.first?.delivered == true)
        #expect(try await Self.waitForLog(gateway, "status change received"))

        // A reload that changes the port: applied where it can be, and the log says a restart is needed.
        let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "  port: 0\n", with: "  port: 1\n")
            .write(toFile: cities.configPath, atomically: true, encoding: .utf8)
        gateway.kill(SIGHUP)
        #expect(try await Self.waitForLog(gateway, "a restart is needed"))
        #expect(try await Self.waitForLog(gateway, "listen.host/listen.port changed to 127.0.0.1:1"))

        // Shutdown.
        #expect(await gateway.stop() == .exited(0))
        let log = try String(contentsOf: gateway.logURL, encoding: .utf8)
        #expect(log.contains("shutdown requested"))
        #expect(log.contains("gateway stopped"))
        #expect(log.contains("write-ahead log checkpointed"))
        // Every line of the gateway's own log carries the +08:00 offset.
        let lines = log.split(separator: "\n").filter { $0.contains(" healthgate") }
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.prefix(29).hasSuffix("+08:00"), "\(line)") }
        // Nothing personal in the log: no QR content, no holder.
        #expect(!log.contains(String(issued.dropFirst("HZHC2:".count))))

        let wal = cities.databasePath + "-wal"
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "the write-ahead log still holds \(walSize) bytes after shutdown")

        // `audit verify` as the README first showed it: the key is not pinned, so the answer is "unverified".
        let unpinned = try await Self.run(executable, ["audit", "verify", "--database", cities.databasePath])
        #expect(unpinned.status == 3, "\(unpinned.output)")
        #expect(unpinned.output.contains("result:     UNVERIFIED"))
        #expect(unpinned.output.contains("witness:    NONE CHECKED"))
        let pinned = try await Self.run(executable, ["audit", "verify", "--config", cities.configPath])
        #expect(pinned.status == 0, "\(pinned.output)")
        #expect(pinned.output.contains("result:     OK"))
        #expect(pinned.output.contains("key:        pinned"))
    }

    /// A client certificate issued by the gateways' client CA of `cities`' PKI.
    static func issueClient(commonName: String, in cities: CityFederation) throws -> DevCertificateFiles {
        let layout = cities.layout
        let ca = DevCertificateAuthority(identity: DevCertificate(
            certificate: try Certificate(pemEncoded: String(contentsOf: layout.gatewayClientCA.certificate, encoding: .utf8)),
            privateKey: try P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: layout.gatewayClientCA.privateKey,
                                                                              encoding: .utf8))))
        return try ca.issue(.client(commonName: commonName)).write(
            to: cities.directory.appendingPathComponent("extra"), name: commonName)
    }

    /// Runs `executable arguments` to the end (off the cooperative pool): exit status and standard output.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outcome = try await ChildProcess.run(executable, arguments)
        return (outcome.status, outcome.output)
    }

    @Test("a port in use is named by its key and address, exit status 2", needsExecutable, .timeLimit(.minutes(1)))
    func portInUse() async throws {
        let executable = try #require(GatewayExecutable.url)
        let cities = try await CityFederation.start()
        defer { Task { await cities.stop() } }
        // Hold a port, then configure the gateway onto it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        _ = listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "  port: 0\n", with: "  port: \(port)\n")
            .write(toFile: cities.configPath, atomically: true, encoding: .utf8)

        let outcome = try await ChildProcess.run(executable, GatewayProcess.serveArguments(configPath: cities.configPath))
        let text = outcome.errors
        #expect(outcome.status == 2)
        #expect(text.contains("cannot listen on 127.0.0.1:\(port) (listen.host, listen.port): address already in use"), "\(text)")
        #expect(!text.contains("bind(descriptor"))
    }
}
