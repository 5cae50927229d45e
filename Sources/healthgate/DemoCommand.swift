import ArgumentParser
import Foundation
import HealthgatePKI
import HealthgateSimulators
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
                showCurlCommands(setup)
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
    func showCurlCommands(_ setup: DemoSetup) {
        DemoPrinter.step("Try it by hand: talk to the simulated cities directly (as the Shanghai gateway)")
        for (city, simulator) in setup.federation.cities {
            guard let base = setup.cities[city] else { continue }
            print("")
            print("  \(city.name.capitalized):")
            for line in CurlExamples.lines(for: simulator, base: base.absoluteString, layout: setup.layout) {
                print("    " + line)
            }
        }
        print("")
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

/// Starts the Shanghai gateway (310000) against the simulated cities, calls `whileRunning` once it listens, then
/// keeps it running until the demo stops (graceful shutdown).
///
/// Not wired yet: `HealthgateServer` is built in parallel. Until it is, this calls `whileRunning(nil)` and returns.
/// To wire it: write the gateway's configuration into `setup.workDirectory` (city endpoints from `setup.cities`,
/// client certificates `setup.layout.gatewayClient(of: "310000", issuedBy: city)`, notification endpoint trusting
/// each city's CA, server certificate `setup.layout.gatewayServer("310000")`), start the server, subscribe it with
/// `setup.federation.hangzhou.notifier.subscribe(...)` and `setup.federation.shanghai.notifier.subscribe(...)`,
/// and call `whileRunning(DemoGateway(...))`.
func runShanghaiGateway(
    _ setup: DemoSetup, whileRunning: @Sendable (DemoGateway?) async throws -> Void
) async throws {
    try await whileRunning(nil)
}

/// The walk-through against a running gateway: a Shanghai checkpoint verifies a Hangzhou, a Beijing and a
/// Shanghai code; Hangzhou turns a holder red and the notification reaches the gateway; the next verify is red;
/// a traveller's transfer from Hangzhou to Beijing.
func walkThrough(_ setup: DemoSetup, gateway: DemoGateway) async throws {
    DemoPrinter.step("A Shanghai checkpoint verifies a Hangzhou, a Beijing and a Shanghai code")
    DemoPrinter.note("gateway at \(gateway.baseURL.absoluteString) (walk-through to be wired with HealthgateServer)")
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
        print("\n[\(number)] \(text)")
    }

    /// A detail of the current step.
    static func note(_ text: String) {
        print("    \(text)")
    }
}
