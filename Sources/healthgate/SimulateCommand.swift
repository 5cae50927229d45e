import ArgumentParser
import Foundation
import HealthgatePKI
import HealthgateSimulators
import Logging

/// `healthgate simulate <city>`: runs one simulated city system until Ctrl-C.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated city system (hangzhou, shanghai or beijing) over HTTPS with mutual TLS.",
        discussion: """
            The simulator serves exactly its document in ../shared/cities/, with a seeded population and admin \
            endpoints under /_admin (holders, codes, statuses, faults, subscriptions). Stop it with Ctrl-C.
            """
    )

    /// The three simulated cities.
    enum City: String, ExpressibleByArgument, CaseIterable {
        case hangzhou, shanghai, beijing

        var dev: DevCity {
            switch self {
            case .hangzhou: return .hangzhou
            case .shanghai: return .shanghai
            case .beijing: return .beijing
            }
        }
    }

    @Argument(help: "The city: hangzhou, shanghai or beijing.")
    var city: City

    @Option(name: .long, help: "The port to listen on (0: a free one).")
    var port: Int = 0

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "A development PKI directory (from `healthgate pki dev`); a new one in a temporary directory when absent.")
    var pki: String?

    func run() async throws {
        let layout: DevPKILayout
        if let pki {
            layout = DevPKILayout(root: URL(fileURLWithPath: pki, isDirectory: true).standardizedFileURL)
            guard FileManager.default.fileExists(atPath: layout.cityServer(city.dev).certificate.path) else {
                throw ValidationError("no development PKI in \(pki): run `healthgate pki dev --out \(pki)` first")
            }
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("healthgate-pki-\(UUID().uuidString)")
            layout = try DevPKIWriter.write(into: directory)
            DemoPrinter.line("Development PKI written to \(directory.path)")
        }
        let federation = SimulatedFederation(layout: layout)
        let simulator: any SimulatedCity = [City.hangzhou: federation.hangzhou, .shanghai: federation.shanghai,
                                            .beijing: federation.beijing][city]!
        var logger = Logger(label: "healthgate.simulate.\(city.rawValue)")
        logger.logLevel = .info
        let cityName = city.rawValue
        let dev = city.dev
        let host = self.host
        try await SimulatedFederation.runOne(simulator, layout: layout, host: host, port: port, logger: logger) { port in
            let base = "https://\(host):\(port)"
            DemoPrinter.line("Simulated \(cityName) (\(dev.region)) listening on \(base)")
            for line in CurlExamples.lines(for: simulator, base: base, layout: layout) {
                DemoPrinter.line("  " + line)
            }
            DemoPrinter.line("Stop with Ctrl-C.")
        }
    }
}
