import ArgumentParser
import Foundation
import HealthgateConfig
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
import Logging
import Synchronization

/// `healthgate demo`: the whole federation on one machine, in one command.
///
/// Creates a development PKI in a temporary directory, starts the three simulated cities on 127.0.0.1, starts the
/// Shanghai gateway (`runShanghaiGateway`), walks through the federation's flows printing each step, then leaves
/// everything running with `curl` commands to try by hand, until Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the local federation demo: three simulated cities and a Shanghai gateway on 127.0.0.1."
    )

    @Option(name: .long, help: "First port for the simulated cities (Hangzhou, then Shanghai, Beijing); 0: free ports.")
    var basePort: Int = 0

    @Flag(name: .long, help: "Keep the temporary directory (PKI, configuration) after stopping.")
    var keep = false

    func run() async throws {
        ChinaTimeLogHandler.bootstrap(level: .info)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("healthgate-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer {
            if keep {
                DemoPrinter.note("Kept \(work.path)")
            } else {
                try? FileManager.default.removeItem(at: work)
            }
        }

        DemoPrinter.step("Create a development PKI (a CA per city, gateway and checkpoint certificates)")
        let layout = try DevPKIWriter.write(into: work.appendingPathComponent("pki"))
        DemoPrinter.note("written to \(layout.root.path)")

        DemoPrinter.step("Start the simulated cities on 127.0.0.1")
        let federation = SimulatedFederation(layout: layout)
        var ports: [String: Int] = [:]
        if basePort > 0 {
            for (offset, city) in DevCity.all.enumerated() { ports[city.name] = basePort + offset }
        }
        try await federation.run(ports: ports) { addresses in
            for (city, _) in federation.cities {
                DemoPrinter.note("\(city.name.capitalized) (\(city.region)) at \(addresses[city]!.absoluteString)")
            }
            let setup = DemoSetup(workDirectory: work, layout: layout, federation: federation, cities: addresses)
            try await runShanghaiGateway(setup) { gateway in
                if let gateway {
                    try await walkThrough(setup, gateway: gateway)
                } else {
                    DemoPrinter.step("Shanghai gateway")
                    DemoPrinter.note("not wired into this build yet: the cities below can be called directly")
                    showCodes(setup)
                }
                showCurlCommands(setup, gateway: gateway)
                DemoPrinter.step("Everything keeps running. Stop with Ctrl-C.")
            }
        }
        DemoPrinter.note("stopped")
    }

    /// Prints a currently valid QR content for one holder of each city.
    func showCodes(_ setup: DemoSetup) {
        DemoPrinter.step("Currently valid QR contents, issued by each simulated city")
        let federation = setup.federation
        let rows: [(String, String?)] = [
            ("Hangzhou holder yellow-R12 (valid 300 s)", try? federation.hangzhou.issueCode(for: "yellow-R12")),
            ("Shanghai holder yellow-keyarea (signed, valid 1 h)", try? federation.shanghai.issueCode(for: "yellow-keyarea")),
            ("Beijing holder yellow-popup1 (valid 600 s)", try? federation.beijing.issueCode(for: "yellow-popup1")),
        ]
        for (label, qr) in rows {
            DemoPrinter.note("\(label):")
            DemoPrinter.note("  \(qr ?? "-")")
        }
    }

    /// Prints the curl commands that talk to each city directly.
    func showCurlCommands(_ setup: DemoSetup, gateway: DemoGateway?) {
        DemoPrinter.step("Try it by hand")
        DemoPrinter.line("")
        DemoPrinter.line("    export PKI=\(setup.layout.root.path)")
        if let gateway, let qr = try? setup.federation.beijing.issueCode(for: "red-popup3") {
            let checkpoint = "--cert $PKI/gateways/\(gateway.region)/checkpoint-01.pem --key $PKI/gateways/\(gateway.region)/checkpoint-01.key --cacert $PKI/gateways/server-ca.pem"
            DemoPrinter.line("")
            DemoPrinter.line("  The Shanghai gateway, as its checkpoint (a Beijing code, valid 600 s; mint more with the admin calls below):")
            DemoPrinter.line("    curl -s \(checkpoint) -H 'Content-Type: application/json' -d '{\"qr\":\"\(qr)\",\"scene\":\"transport\"}' \(gateway.baseURL.absoluteString)/v1/verify")
        }
        if let gateway, let traveller = setup.federation.hangzhou.holder("yellow-R13"),
           let qr = try? setup.federation.hangzhou.issueCode(for: traveller.handle) {
            let agent = "--cert $PKI/gateways/\(gateway.region)/transfer-agent-01.pem --key $PKI/gateways/\(gateway.region)/transfer-agent-01.key --cacert $PKI/gateways/server-ca.pem"
            let body = "{\"qr\":\"\(qr)\",\"idNumber\":\"\(traveller.idNumber)\",\"name\":\"王明\",\"requestId\":\"\(UUID().uuidString.lowercased())\"}"
            DemoPrinter.line("")
            DemoPrinter.line("  A transfer into Shanghai, as an app backend (a Hangzhou code valid 300 s and its holder's synthetic ID number):")
            DemoPrinter.line("    curl -s \(agent) -H 'Content-Type: application/json' -d '\(body)' \(gateway.baseURL.absoluteString)/v1/transfers")
        }
        DemoPrinter.line("")
        DemoPrinter.line("  The simulated cities directly, as the Shanghai gateway:")
        for (city, simulator) in setup.federation.cities {
            guard let base = setup.cities[city] else { continue }
            DemoPrinter.line("")
            DemoPrinter.line("  \(city.name.capitalized):")
            for line in CurlExamples.lines(for: simulator, base: base.absoluteString, layout: setup.layout, pkiVariable: "PKI") {
                DemoPrinter.line("    " + line)
            }
        }
        DemoPrinter.line("")
    }
}

/// What the demo has set up, for starting and configuring the gateway.
struct DemoSetup: Sendable {
    /// The demo's temporary directory (PKI under `pki/`; write the gateway's configuration here).
    let workDirectory: URL
    /// The development PKI.
    let layout: DevPKILayout
    /// The simulated cities (Swift API: issue codes, change statuses, set faults, subscribe gateways).
    let federation: SimulatedFederation
    /// Where each city listens.
    let cities: SimulatedFederation.Addresses
}

/// A running gateway, as the walk-through needs it.
struct DemoGateway: Sendable {
    /// The gateway's base URL, e.g. `https://127.0.0.1:8443`.
    let baseURL: URL
    /// Its region (310000 for the demo's Shanghai gateway).
    let region: String
}

/// Starts the Shanghai gateway (310000) against the simulated cities, calls `whileRunning` once it listens (with
/// the cities subscribed to its notification endpoints), then keeps it running until Ctrl-C (graceful shutdown).
///
/// The gateway is the real one (`LiveGateway`: SQLite audit and cache, libcurl transport), configured from a YAML
/// file written into `setup.workDirectory` for the cities' ports.
func runShanghaiGateway(
    _ setup: DemoSetup, whileRunning: @escaping @Sendable (DemoGateway?) async throws -> Void
) async throws {
    DemoPrinter.step("Start the Shanghai gateway (310000) on 127.0.0.1")
    let configPath = try DemoGatewayConfiguration.write(setup)
    DemoPrinter.note("configuration: \(configPath)")
    let snapshot = try ConfigLoader().load(path: configPath)
    var logger = Logger(label: "healthgate.demo.gateway")
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    let gateway = try await LiveGateway.make(configuration: ConfigStore(snapshot), logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    do {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await gateway.server.run(onGatewayRunning: { port in
                    continuation.yield(port)
                    continuation.finish()
                })
                continuation.finish()
            }
            var iterator = ports.makeAsyncIterator()
            if let port = await iterator.next() {
                let base = URL(string: "https://127.0.0.1:\(port)")!
                DemoPrinter.note("listening on \(base.absoluteString)")
                let notifications = base.absoluteString + "/notifications/"
                setup.federation.hangzhou.notifier.subscribe(
                    NotificationSubscription(url: URL(string: notifications + "hangzhou")!, region: "310000"))
                setup.federation.shanghai.notifier.subscribe(
                    NotificationSubscription(url: URL(string: notifications + "shanghai")!, region: "310000"))
                DemoPrinter.note("Hangzhou and Shanghai notify it at \(notifications)<city>")
                try await whileRunning(DemoGateway(baseURL: base, region: "310000"))
            }
            try await group.waitForAll()
        }
    } catch {
        await gateway.close()
        throw error
    }
    await gateway.close()
}

/// The demo gateway's configuration: the home city Shanghai, the three simulated cities, files in the work directory.
enum DemoGatewayConfiguration {
    /// Writes `healthgate.yaml` and the keys it names into the work directory; returns the configuration's path.
    static func write(_ setup: DemoSetup) throws -> String {
        var configuration = LocalFederationConfiguration(cityURLs: setup.cities.urls)
        configuration.comment = "The demo's Shanghai gateway (written by `healthgate demo`; paths relative to this file)."
        return try configuration.write(into: setup.workDirectory, federation: setup.federation)
    }
}

/// The walk-through against a running gateway: a Shanghai checkpoint verifies a Hangzhou, a Beijing and a
/// Shanghai code; Hangzhou turns a holder red and the notification reaches the gateway; the next verify is red.
func walkThrough(_ setup: DemoSetup, gateway: DemoGateway) async throws {
    let checkpoint = try DemoCheckpoint(
        gateway: gateway.baseURL, identity: setup.layout.checkpoint(gateway.region),
        gatewayCA: setup.layout.gatewayServerCA.certificate)
    defer { checkpoint.shutdown() }
    let federation = setup.federation

    func show(_ label: String, _ answer: DemoCheckpoint.Answer) {
        if answer.status == 200 {
            let f = answer.fields
            DemoPrinter.note(
                "\(label): \(f["status"] ?? "?") (admits: \(f["admits"] ?? "?")), reasons: \(answer.reasons.joined(separator: ", ")), "
                    + "issuer \(f["issuer"] ?? "?"), freshness \(f["freshness"] ?? "?")"
                    + (f["observationEnds"].map { ", observation ends \($0)" } ?? ""))
        } else {
            DemoPrinter.note("\(label): HTTP \(answer.status) \(answer.fields["type"] ?? answer.text)")
        }
    }

    DemoPrinter.step("A Shanghai checkpoint (CN=checkpoint-310000-01) verifies a Hangzhou, a Beijing and a Shanghai code")
    let hangzhouQR = try federation.hangzhou.issueCode(for: "yellow-R12")
    DemoPrinter.note("Hangzhou code \(hangzhouQR)")
    let hangzhou = try await checkpoint.verify(qr: hangzhouQR)
    show("  → Hangzhou", hangzhou)
    for line in hangzhou.explanation { DemoPrinter.note("    \(line)") }
    DemoPrinter.note("  the same answer with Accept-Language: en")
    for line in try await checkpoint.verify(qr: hangzhouQR, language: "en").explanation {
        DemoPrinter.note("    \(line)")
    }
    let beijingQR = try federation.beijing.issueCode(for: "yellow-popup1")
    DemoPrinter.note("Beijing code \(beijingQR)")
    show("  → Beijing", try await checkpoint.verify(qr: beijingQR))
    let shanghaiQR = try federation.shanghai.issueCode(for: "green-clear")
    DemoPrinter.note("Shanghai code \(shanghaiQR.prefix(40))…")
    show("  → Shanghai", try await checkpoint.verify(qr: shanghaiQR))

    DemoPrinter.step("Hangzhou turns holder yellow-R12 red (R21); its COLOR_CHANGED notification reaches the gateway")
    let deliveries = try await federation.hangzhou.setStatus("yellow-R12", color: "red", reason: "R21")
    for delivery in deliveries {
        DemoPrinter.note(
            "notification to \(delivery.subscription.url.absoluteString): "
                + (delivery.delivered ? "acknowledged" : "not acknowledged") + " after \(delivery.attempts) attempt(s)")
    }

    DemoPrinter.step("The checkpoint verifies the same Hangzhou code again")
    show("  → Hangzhou", try await checkpoint.verify(qr: hangzhouQR))

    try await demoTransfer(setup, gateway: gateway)
}

/// A traveller holding a yellow Hangzhou code moves to Shanghai: an app backend (role `transfer-agent`) asks the
/// Shanghai gateway to take over the status; then the same code with another person's ID number is refused.
func demoTransfer(_ setup: DemoSetup, gateway: DemoGateway) async throws {
    let federation = setup.federation
    DemoPrinter.step("A traveller moves from Hangzhou to Shanghai: the Shanghai gateway takes over their Hangzhou status")
    let identity = try DemoTransferAgent.issueIdentity(layout: setup.layout, region: gateway.region)
    let agent = try DemoTransferAgent(gateway: gateway.baseURL, identity: identity,
                                      gatewayCA: setup.layout.gatewayServerCA.certificate)
    defer { agent.shutdown() }
    guard let traveller = federation.hangzhou.holder("yellow-R11"), let other = federation.hangzhou.holder("green-R00")
    else {
        DemoPrinter.note("the simulated Hangzhou has no holder yellow-R11")
        return
    }
    let qr = try federation.hangzhou.issueCode(for: traveller.handle)
    DemoPrinter.note("an app backend (CN=\(DemoTransferAgent.commonName(region: gateway.region))) sends POST /v1/transfers "
        + "with Hangzhou code \(qr), the ID number \(ResidentIDGenerator.masked(traveller.idNumber)) and the name")
    let answer = try await agent.transfer(qr: qr, idNumber: traveller.idNumber, name: "陈明")
    if answer.status == 200 {
        for line in answer.explanation { DemoPrinter.note("  → \(line)") }
        DemoPrinter.note("    Hangzhou said \(answer.origin["status"] ?? "?") (asOf \(answer.origin["asOf"] ?? "?")); Shanghai "
            + "registered \(answer.fields["status"] ?? "?") (asOf \(answer.fields["asOf"] ?? "?"), freshness "
            + "\(answer.fields["freshness"] ?? "?"))")
        DemoPrinter.note("    in Suishenma's own words: \(answer.local.joined(separator: ", "))")
    } else {
        DemoPrinter.note("  → HTTP \(answer.status) \(answer.fields["type"] ?? answer.text): \(answer.fields["detail"] ?? "")")
    }
    DemoPrinter.note("the same code with another person's ID number:")
    let mismatch = try await agent.transfer(qr: try federation.hangzhou.issueCode(for: traveller.handle),
                                            idNumber: other.idNumber, name: "陈明")
    DemoPrinter.note("  → HTTP \(mismatch.status) \(mismatch.fields["type"] ?? "?"): \(mismatch.fields["detail"] ?? "")")
}

/// Prints the demo's steps readably: numbered steps and indented notes.
enum DemoPrinter {
    private static let counter = Mutex(0)

    /// A numbered step.
    static func step(_ text: String) {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        DemoPrinter.line("\n[\(number)] \(text)")
    }

    /// A detail of the current step.
    static func note(_ text: String) {
        line("    \(text)")
    }

    /// One line on standard output, written at once (unbuffered, so it shows up in a pipe or a log immediately).
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
