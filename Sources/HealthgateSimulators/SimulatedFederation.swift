import Foundation
import HealthgatePKI
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

extension SimulatorTLSFiles {
    /// The files of `city` in a development PKI: its server certificate, its CA for client certificates, and its
    /// notifier identity, trusting the gateways' server CA for the receivers.
    public init(layout: DevPKILayout, city: DevCity) {
        self.init(
            serverCertificate: layout.cityServer(city).certificate,
            serverPrivateKey: layout.cityServer(city).privateKey,
            clientCA: layout.cityCA(city).certificate,
            notifierCertificate: layout.cityNotifier(city).certificate,
            notifierPrivateKey: layout.cityNotifier(city).privateKey,
            notificationTrustRoots: layout.gatewayServerCA.certificate)
    }

    /// A notification sender presenting the city's notifier certificate (over `HealthgateTransport`; the `curl`
    /// command line if the transport cannot start), or `nil` when the files are not set.
    public func notificationSender() -> (any NotificationSender)? {
        guard let notifierCertificate, let notifierPrivateKey, let notificationTrustRoots else { return nil }
        if let sender = try? TransportNotificationSender(
            certificate: notifierCertificate, privateKey: notifierPrivateKey, trustRoots: notificationTrustRoots)
        {
            return sender
        }
        return CurlNotificationSender(
            certificate: notifierCertificate, privateKey: notifierPrivateKey, trustRoots: notificationTrustRoots)
    }
}

/// The three simulated cities of the development federation, built on a development PKI (`DevPKI.generate`).
public struct SimulatedFederation: Sendable {
    /// The PKI the cities serve with.
    public let layout: DevPKILayout
    /// Simulated Hangzhou (330100).
    public let hangzhou: HangzhouSimulator
    /// Simulated Shanghai (310000).
    public let shanghai: ShanghaiSimulator
    /// Simulated Beijing (110000).
    public let beijing: BeijingSimulator

    /// The three cities, with notifiers presenting each city's notifier certificate.
    public init(layout: DevPKILayout, clock: SimulatorClock = SimulatorClock()) {
        self.layout = layout
        hangzhou = HangzhouSimulator(
            clock: clock, notificationSender: SimulatorTLSFiles(layout: layout, city: .hangzhou).notificationSender())
        shanghai = ShanghaiSimulator(
            clock: clock, notificationSender: SimulatorTLSFiles(layout: layout, city: .shanghai).notificationSender())
        beijing = BeijingSimulator(clock: clock)
    }

    /// The cities with their development-PKI entries, in document order.
    public var cities: [(city: DevCity, simulator: any SimulatedCity)] {
        [(.hangzhou, hangzhou), (.shanghai, shanghai), (.beijing, beijing)]
    }

    /// Where the running cities listen: base URL per city name (`hangzhou` → `https://127.0.0.1:port`).
    public struct Addresses: Sendable {
        /// Base URL by city name.
        public var urls: [String: URL]

        /// The base URL of a city.
        public subscript(_ city: DevCity) -> URL? { urls[city.name] }
    }

    /// Serves the three cities on `host` (ports by city name, 0 or absent: a free port) until SIGINT or SIGTERM,
    /// together with `otherServices`; calls `onReady` once all three listen. `onReady` runs beside the servers;
    /// when it throws, everything stops.
    public func run(
        host: String = "127.0.0.1", ports: [String: Int] = [:], otherServices: [any Service] = [],
        logger: Logger = SimulatorServer.quietLogger(label: "healthgate.demo"),
        onReady: @escaping @Sendable (Addresses) async throws -> Void
    ) async throws {
        let ready = Mutex<[String: URL]>([:])
        let (stream, continuation) = AsyncStream<Addresses>.makeStream()
        let servers: [any Service] = cities.map { entry in
            SimulatorServer(
                city: entry.simulator, tls: SimulatorTLSFiles(layout: layout, city: entry.city), host: host,
                port: ports[entry.city.name] ?? 0, logger: logger
            ) { port in
                let all = ready.withLock { urls -> [String: URL]? in
                    urls[entry.city.name] = URL(string: "https://\(host):\(port)")!
                    return urls.count == 3 ? urls : nil
                }
                if let all {
                    continuation.yield(Addresses(urls: all))
                    continuation.finish()
                }
            }
        }
        let readiness = ReadinessService(addresses: stream, onReady: onReady)
        let group = ServiceGroup(
            configuration: .init(
                services: servers.map { .init(service: $0) } + otherServices.map { .init(service: $0) }
                    + [.init(service: readiness, successTerminationBehavior: .ignore)],
                gracefulShutdownSignals: [.sigint, .sigterm],
                logger: logger))
        try await group.run()
    }
}

extension SimulatedFederation {
    /// Serves one simulated city with its development-PKI files on `host:port` until SIGINT or SIGTERM;
    /// `onRunning` receives the bound port.
    public static func runOne(
        _ city: any SimulatedCity, layout: DevPKILayout, host: String = "127.0.0.1", port: Int = 0,
        logger: Logger = SimulatorServer.quietLogger(), onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let server = SimulatorServer(
            city: city, tls: SimulatorTLSFiles(layout: layout, city: DevCity(name: city.name, region: city.region)),
            host: host, port: port, logger: logger, onRunning: onRunning)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        try await group.run()
    }
}

/// Waits for the federation's addresses and runs the caller's `onReady` step (the demo's walk-through).
private struct ReadinessService: Service {
    let addresses: AsyncStream<SimulatedFederation.Addresses>
    let onReady: @Sendable (SimulatedFederation.Addresses) async throws -> Void

    func run() async throws {
        for await addresses in addresses.cancelOnGracefulShutdown() {
            try await onReady(addresses)
            return
        }
    }
}
