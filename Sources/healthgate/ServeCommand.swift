import ArgumentParser
import Foundation
import HealthgateConfig
import HealthgateServer
import Logging

/// `healthgate serve`: runs the gateway of the configured home city until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: mutual-TLS API for checkpoints and peers, plus the loopback operations port."
    )

    @Option(name: .long, help: "The configuration file (paths inside it are relative to it).")
    var config: String = "Config/healthgate.yaml"

    func run() async throws {
        var configured = Logger(label: "healthgate")
        configured.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let logger = configured
        let snapshot: GatewayConfiguration
        do {
            snapshot = try ConfigLoader().load(path: config)
        } catch {
            FileHandle.standardError.write(Data("healthgate: \(config): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let gateway = try await LiveGateway.make(configuration: ConfigStore(snapshot), logger: logger)
        logger.info("gateway starting", metadata: [
            "home": "\(snapshot.home)", "listen": "\(snapshot.listen.host):\(snapshot.listen.port)",
            "ops": "\(snapshot.ops.host):\(snapshot.ops.port)",
        ])
        do {
            try await gateway.server.run(
                onGatewayRunning: { port in logger.info("mutual-TLS API listening", metadata: ["port": "\(port)"]) },
                onOpsRunning: { port in logger.info("operations listening", metadata: ["port": "\(port)"]) })
        } catch {
            await gateway.close()
            throw error
        }
        await gateway.close()
    }
}
