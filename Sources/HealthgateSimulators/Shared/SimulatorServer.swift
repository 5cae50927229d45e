import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves one simulated city over HTTPS with mutual TLS on a loopback address, as a `Service`.
public struct SimulatorServer: Service {
    /// The city served.
    public let city: any SimulatedCity
    /// The TLS files (server certificate, key, the city's CA for client certificates).
    public let tls: SimulatorTLSFiles
    /// The address to bind: 127.0.0.1 unless told otherwise.
    public let host: String
    /// The port to bind; 0 picks a free one (reported to `onRunning`).
    public let port: Int
    /// Called once the server listens, with the bound port.
    public let onRunning: @Sendable (Int) async -> Void
    /// The server's logger (requests are not logged: they carry personal data).
    public let logger: Logger

    /// A server for `city`; call `run()` (or add it to a `ServiceGroup`).
    public init(
        city: any SimulatedCity, tls: SimulatorTLSFiles, host: String = "127.0.0.1", port: Int = 0,
        logger: Logger = SimulatorServer.quietLogger(), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.city = city
        self.tls = tls
        self.host = host
        self.port = port
        self.logger = logger
        self.onRunning = onRunning
    }

    /// A logger that only prints warnings and errors.
    public static func quietLogger(label: String = "healthgate.simulator") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    public func run() async throws {
        let onRunning = self.onRunning
        let tlsConfiguration = try tls.serverConfiguration()
        let app = try Application(
            router: city.makeRouter(),
            server: .tls(.http1(), tlsConfiguration: tlsConfiguration),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.run()
    }
}

extension SimulatedCity {
    /// Runs the city on 127.0.0.1 (a free port) for the duration of `body`, which receives the base URL
    /// (`https://127.0.0.1:<port>`); stops the server when `body` returns or throws.
    public func withRunningServer<T: Sendable>(
        tls: SimulatorTLSFiles, logger: Logger = SimulatorServer.quietLogger(),
        _ body: @Sendable (URL) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = SimulatorServer(city: self, tls: tls, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                do {
                    try await server.run()
                } catch {
                    continuation.finish()
                    throw error
                }
                continuation.finish()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The server stopped before listening: surface its error.
                while let next = try await group.next() { _ = next }
                throw SimulatorError(.notStarted, "the \(name) simulator stopped before listening")
            }
            let url = URL(string: "https://127.0.0.1:\(port)")!
            do {
                let result = try await body(url)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
