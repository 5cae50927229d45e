import ArgumentParser
import Foundation
import HealthgateConfig
import HealthgateServer
import Logging

/// `healthgate serve`: runs the gateway of the configured home city until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: mutual-TLS API for checkpoints and peers, plus the loopback operations port.",
        discussion: """
            Log lines go to standard error, time-stamped in Asia/Shanghai with the offset (+08:00); LOG_LEVEL \
            (trace, debug, info, notice, warning, error) sets the level. At start the log names each city's \
            notification URL. Exit status 2: the configuration is invalid (every issue listed) or a listener cannot \
            start (its keys and address named).
            """
    )

    @Option(name: .long, help: "The configuration file (paths inside it are relative to it).")
    var config: String = "Config/healthgate.yaml"

    func run() async throws {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        ChinaTimeLogHandler.bootstrap(level: level)
        var configured = Logger(label: "healthgate")
        configured.logLevel = level
        let logger = configured
        let snapshot: GatewayConfiguration
        do {
            snapshot = try ConfigLoader().load(path: config)
        } catch {
            FileHandle.standardError.write(Data("healthgate: \(config): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        for warning in snapshot.warnings {
            logger.warning("configuration warning", metadata: ["issue": "\(warning.description)"])
        }
        let gateway = try await LiveGateway.make(configuration: ConfigStore(snapshot), logger: logger)
        logger.info("gateway starting", metadata: [
            "home": "\(snapshot.home)", "listen": "\(snapshot.listen.host):\(snapshot.listen.port)",
            "ops": "\(snapshot.ops.host):\(snapshot.ops.port)", "config": "\(snapshot.sourcePath)",
        ])
        do {
            try await gateway.server.run(
                onGatewayRunning: { port in
                    logger.info("mutual-TLS API listening", metadata: ["port": "\(port)"])
                    Self.announceNotificationURLs(snapshot, port: port, logger: logger)
                },
                onOpsRunning: { port in
                    logger.info("operations listening", metadata: [
                        "port": "\(port)", "page": "http://\(snapshot.ops.host):\(port)/",
                    ])
                })
        } catch let error as ListenerError {
            await gateway.close()
            logger.error("gateway not started", metadata: ["error": "\(error.description)"])
            FileHandle.standardError.write(Data("healthgate: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch {
            await gateway.close()
            throw error
        }
        let checkpointed = await gateway.close()
        logger.notice("gateway stopped", metadata: [
            "database": "\(checkpointed ? "write-ahead log checkpointed into the database file" : "write-ahead log kept (checkpoint busy)")",
        ])
    }

    /// One log line per city that notifies: the URL to give it and the role its certificate needs.
    static func announceNotificationURLs(_ configuration: GatewayConfiguration, port: Int, logger: Logger) {
        for endpoint in NotificationEndpoint.all(in: configuration, port: port) {
            var metadata: Logger.Metadata = ["city": "\(endpoint.city)", "url": "\(endpoint.url)", "role": "\(endpoint.role)"]
            if endpoint.identityKeys.isEmpty {
                metadata["problem"] = "no identity has role \(endpoint.role): its notifications will be refused (403)"
                logger.warning("notification URL", metadata: metadata)
            } else {
                metadata["identities"] = "\(endpoint.identityKeys.joined(separator: ", "))"
                logger.info("notification URL", metadata: metadata)
            }
        }
    }
}
