import ArgumentParser
import Foundation
import HealthgateAdapters
import HealthgatePKI
import HealthgateServer
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

    @Option(name: .long, help: "hangzhou only: run a copy of Hangzhou's platform under this name (its PKI folder cities/NAME, from `pki dev --add-city NAME:REGION`).")
    var name: String?

    @Option(name: .long, help: "hangzhou only: the copy's region code (e.g. 330300 for Wenzhou).")
    var region: String?

    @Option(name: .customLong("qr-prefix"), help: "hangzhou only: the copy's QR prefix, four upper-case letters or digits then 2: (e.g. WZHC2:).")
    var qrPrefix: String?

    func validate() throws {
        if city != .hangzhou, name != nil || region != nil || qrPrefix != nil {
            throw ValidationError("--name, --region and --qr-prefix make a copy of Hangzhou's platform: use them with `simulate hangzhou`")
        }
        if let region, !(region.count == 6 && region.allSatisfy({ $0.isASCII && $0.isNumber })) {
            throw ValidationError("--region is a six-digit region code")
        }
        if let qrPrefix, !HangzhouAdapter.isValidQRPrefix(qrPrefix) {
            throw ValidationError("--qr-prefix is four upper-case letters or digits then 2: (e.g. WZHC2:)")
        }
        if (region != nil || qrPrefix != nil), name == nil || name == "hangzhou" {
            throw ValidationError("a copy of Hangzhou needs its own --name (e.g. --name wenzhou --region 330300 --qr-prefix WZHC2:)")
        }
    }

    /// The city this run serves: one of the three, or a copy of Hangzhou under its own name.
    var dev: DevCity {
        guard let name else { return city.dev }
        return DevCity(name: name, region: region ?? city.dev.region)
    }

    func run() async throws {
        ChinaTimeLogHandler.bootstrap(level: .info)
        let dev = self.dev
        let layout: DevPKILayout
        if let pki {
            layout = DevPKILayout(root: URL(fileURLWithPath: pki, isDirectory: true).standardizedFileURL)
            guard FileManager.default.fileExists(atPath: layout.cityServer(dev).certificate.path) else {
                if DevCity.all.contains(dev) {
                    throw ValidationError("no development PKI in \(pki): run `healthgate pki dev --out \(pki)` first")
                }
                throw ValidationError("no certificates for \(dev.name) in \(pki): run `healthgate pki dev --out \(pki) --add-city \(dev.name):\(dev.region)` first")
            }
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("healthgate-pki-\(UUID().uuidString)")
            layout = try DevPKIWriter.write(into: directory)
            if !DevCity.all.contains(dev) { try DevPKI.addCity(dev, into: directory) }
            DemoPrinter.line("Development PKI written to \(directory.path)")
        }
        let federation = SimulatedFederation(layout: layout)
        let simulator: any SimulatedCity
        if DevCity.all.contains(dev) {
            simulator = [City.hangzhou: federation.hangzhou, .shanghai: federation.shanghai,
                         .beijing: federation.beijing][city]!
        } else {
            simulator = HangzhouSimulator(
                notificationSender: SimulatorTLSFiles(layout: layout, city: dev).notificationSender(),
                name: dev.name, region: dev.region, qrPrefix: qrPrefix ?? HangzhouSimulator.defaultQRPrefix)
        }
        var logger = Logger(label: "healthgate.simulate.\(dev.name)")
        logger.logLevel = .info
        let cityName = dev.name
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
