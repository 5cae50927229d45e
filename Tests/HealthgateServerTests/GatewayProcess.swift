import Crypto
import Foundation
import HealthgatePKI
import HealthgateSimulators
import HealthgateTransport
import Logging
import ServiceLifecycle
import HealthgateChildProcess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The built `healthgate` executable that the process-level tests run as a child (`healthgate serve`).
enum GatewayExecutable {
    static let url: URL? = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["HEALTHGATE_EXECUTABLE"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        // Beside the test bundle: .build/<triple>/debug/healthgatePackageTests.xctest
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("healthgate"))
        // The package's build products: <package>/.build/debug/healthgate
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/healthgate"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}

/// Why a child gateway could not be started or did not behave: a message with the tail of its log.
struct GatewayProcessError: Error, CustomStringConvertible {
    var description: String
}

/// The three simulated cities running in this process on 127.0.0.1, the development PKI and the files a gateway
/// child process needs (keys, pseudonym secret, audit signing key, and the YAML written by
/// `FederationHarness.configuration`), all in a temp dir of their own.
final class CityFederation: Sendable {
    let directory: URL
    let layout: DevPKILayout
    let federation: SimulatedFederation
    let configPath: String
    /// The database file as the gateway sees it (absolute).
    let databasePath: String
    /// The gateway's audit signing key (PEM), to pin signatures when verifying the chain.
    let auditKeyPath: String
    /// The simulated copies of Hangzhou's platform (Wenzhou…), by name.
    let copies: [String: HangzhouSimulator]
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(directory: URL, layout: DevPKILayout, federation: SimulatedFederation, configPath: String,
                 databasePath: String, auditKeyPath: String, copies: [String: HangzhouSimulator] = [:],
                 group: ServiceGroup, task: Task<Void, any Error>) {
        self.copies = copies
        self.directory = directory
        self.layout = layout
        self.federation = federation
        self.configPath = configPath
        self.databasePath = databasePath
        self.auditKeyPath = auditKeyPath
        self.group = group
        self.task = task
    }

    /// Starts the cities and writes the gateway's files; `database` is the database path relative to the config file
    /// (its folder is created, empty).
    static func start(database: String = "healthgate.sqlite", overrides: FederationHarness.Overrides = [:],
                      copies: [HangzhouCopy] = [])
        async throws -> CityFederation
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hg-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let layout = try DevPKI.generate(into: directory.appendingPathComponent("pki"))
            for copy in copies { try DevPKI.addCity(copy.city, into: layout.root) }
            let federation = SimulatedFederation(layout: layout)
            let copySimulators = copies.map { ($0, $0.simulator(layout: layout)) }
            var quiet = Logger(label: "healthgate.test")
            quiet.logLevel = .critical

            let (cityPorts, continuation) = AsyncStream<(String, Int)>.makeStream()
            let entries: [(city: DevCity, simulator: any SimulatedCity)] = federation.cities
                + copySimulators.map { ($0.0.city, $0.1 as any SimulatedCity) }
            let servers: [any Service] = entries.map { entry in
                SimulatorServer(city: entry.simulator, tls: SimulatorTLSFiles(layout: layout, city: entry.city),
                                host: "127.0.0.1", port: 0, logger: quiet) { port in continuation.yield((entry.city.name, port)) }
            }
            let group = ServiceGroup(configuration: .init(services: servers, logger: quiet))
            let task = Task { try await group.run() }
            var ports: [String: Int] = [:]
            for await (name, port) in cityPorts {
                ports[name] = port
                if ports.count == entries.count { break }
            }

            var configuration = FederationHarness.configuration(ports: ports, overrides: overrides)
            configuration.database = database
            configuration.hangzhouCopies = copies
            let configPath = try configuration.write(into: directory, federation: federation)
            let databaseURL = directory.appendingPathComponent(database)
            let auditKey = directory.appendingPathComponent("audit.pem")
            return CityFederation(directory: directory, layout: layout, federation: federation, configPath: configPath,
                                  databasePath: databaseURL.path, auditKeyPath: auditKey.path,
                                  copies: Dictionary(uniqueKeysWithValues: copySimulators.map { ($0.0.city.name, $0.1) }),
                                  group: group, task: task)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Stops the cities and removes the temp dir (stop the gateway children first).
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
        try? FileManager.default.removeItem(at: directory)
    }

    /// A libcurl client with room for `connections` parallel connections to the gateway.
    func makeClient(connections: Int = 8) throws -> CurlHTTPClient {
        var quiet = Logger(label: "healthgate.test.client")
        quiet.logLevel = .critical
        return try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: connections, maxTotalConnections: 256,
                                                       connectionCacheSize: connections),
                                  logger: quiet)
    }

    /// The Shanghai checkpoint's certificate files.
    var checkpoint: DevCertificateFiles { layout.checkpoint("310000") }

    /// The gateway on `port` as a client presenting `identity` sees it (mutual TLS, HTTP/1.1).
    func endpoint(port: Int, identity: DevCertificateFiles) -> EndpointConfiguration {
        EndpointConfiguration(
            baseURL: URL(string: "https://127.0.0.1:\(port)")!, clientCertificateFile: identity.certificate.path,
            clientKeyFile: identity.privateKey.path, trustedCAFile: layout.gatewayServerCA.certificate.path,
            connectTimeout: .seconds(5), requestTimeout: .seconds(15), offersHTTP2: false)
    }

    /// `POST /v1/verify` of `qr` as `identity` (default: the checkpoint); the raw answer.
    func verify(_ qr: String, client: CurlHTTPClient, port: Int, scene: String = "transport",
                as identity: DevCertificateFiles? = nil) async throws(TransportError) -> TransportResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["qr": qr, "scene": scene])) ?? Data()
        return try await client.send(
            TransportRequest(method: .post, path: "/v1/verify", headers: ["Content-Type": "application/json"],
                             body: Array(body)),
            endpoint: endpoint(port: port, identity: identity ?? checkpoint))
    }
}

/// A `healthgate serve` child process (possibly behind a launcher such as `unshare … sh -c 'exec healthgate …'`):
/// its stdout and stderr go to a log file, its ports are read from its log, and it is killed at the latest when this
/// object goes away.
final class GatewayProcess: Sendable {
    /// How a child ended.
    enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// The process id (the launcher's, which `exec` turned into the gateway's).
    let pid: Int32
    /// The child's stdout and stderr.
    let logURL: URL
    /// The mutual-TLS API port.
    let port: Int
    /// The operations port.
    let opsPort: Int
    private let termination: TerminationBox

    /// Where the termination handler leaves how the child ended.
    final class TerminationBox: Sendable {
        let state = Mutex<Termination?>(nil)
        func withLock<T>(_ body: (inout Termination?) -> T) -> T { state.withLock { body(&$0) } }
    }

    private init(pid: Int32, logURL: URL, port: Int, opsPort: Int, termination: TerminationBox) {
        self.pid = pid
        self.logURL = logURL
        self.port = port
        self.opsPort = opsPort
        self.termination = termination
    }

    deinit {
        if termination.withLock({ $0 == nil }) { Glibc.kill(pid, SIGKILL) }
    }

    /// The arguments that run `healthgate serve` on `configPath`.
    static func serveArguments(configPath: String) -> [String] { ["serve", "--config", configPath] }

    /// Starts `executable arguments`, logging to `<directory>/<name>.log`, and waits (up to `deadline`) until the log
    /// names the API and operations ports and the API port accepts TCP connections.
    static func start(_ executable: URL, arguments: [String], name: String, in directory: URL,
                      deadline: Duration = .seconds(30)) async throws -> GatewayProcess {
        let logURL = directory.appendingPathComponent("\(name).log")
        let log = open(logURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw GatewayProcessError(description: "cannot create \(logURL.path)") }
        defer { close(log) }
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "info"
        let spawned = try SpawnedChild.start(executable.path, arguments, environment: environment, standardOutput: log,
                                             standardError: log)
        let termination = TerminationBox()
        Task {
            let ended = await spawned.wait()
            let state: Termination
            switch ended {
            case .exited(let status): state = .exited(status)
            case .signalled(let signal): state = .signalled(signal)
            }
            termination.withLock { $0 = state }
        }
        let pid = spawned.pid

        let until = ContinuousClock.now + deadline
        var ports: (api: Int, ops: Int)?
        while ports == nil {
            ports = Self.ports(inLog: logURL)
            if ports != nil { break }
            if let ended = termination.withLock({ $0 }) {
                throw GatewayProcessError(description: "\(name) \(ended) before listening; log:\n\(Self.tail(of: logURL))")
            }
            if ContinuousClock.now > until {
                Glibc.kill(pid, SIGKILL)
                throw GatewayProcessError(description: "\(name) did not log its ports in time; log:\n\(Self.tail(of: logURL))")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        let child = GatewayProcess(pid: pid, logURL: logURL, port: ports!.api, opsPort: ports!.ops,
                                   termination: termination)
        while !Self.acceptsConnections(port: child.port) {
            if ContinuousClock.now > until {
                child.kill(SIGKILL)
                throw GatewayProcessError(description: "\(name) port \(child.port) does not accept connections; log:\n\(child.logTail())")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        return child
    }

    /// The ports in the startup lines (`mutual-TLS API listening` / `operations listening`, metadata `port=N`).
    static func ports(inLog url: URL) -> (api: Int, ops: Int)? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        func port(after marker: String) -> Int? {
            for line in text.split(separator: "\n") where line.contains(marker) {
                guard let range = line.range(of: "port=") else { continue }
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let value = Int(digits), value > 0 { return value }
            }
            return nil
        }
        guard let api = port(after: "mutual-TLS API listening"), let ops = port(after: "operations listening") else { return nil }
        return (api, ops)
    }

    /// Whether a TCP connection to 127.0.0.1:`port` is accepted (closed again at once).
    static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// The last `lines` lines of the log.
    static func tail(of url: URL, lines: Int = 40) -> String {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// The last lines of this child's log, for failure messages.
    func logTail(lines: Int = 40) -> String { Self.tail(of: logURL, lines: lines) }

    /// How the child ended, or `nil` while it runs.
    var ended: Termination? { termination.withLock { $0 } }

    /// Sends `signal` to the child if it still runs.
    func kill(_ signal: Int32) {
        if termination.withLock({ $0 == nil }) { Glibc.kill(pid, signal) }
    }

    /// Waits (polling, up to `deadline`) until the child has ended; `nil` if it has not.
    func waitForExit(deadline: Duration = .seconds(20)) async -> Termination? {
        let until = ContinuousClock.now + deadline
        while ContinuousClock.now < until {
            if let ended { return ended }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return ended
    }

    /// SIGTERM (graceful shutdown), then SIGKILL if it has not ended within `grace`; how it ended.
    @discardableResult
    func stop(grace: Duration = .seconds(20)) async -> Termination? {
        kill(SIGTERM)
        if let ended = await waitForExit(deadline: grace) { return ended }
        kill(SIGKILL)
        return await waitForExit(deadline: .seconds(10))
    }
}
