import ArgumentParser
import Foundation
import HealthgateConfig
import HealthgatePostgres
import HealthgateServer

/// `healthgate config`: check a configuration before serving it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file before serving it.",
        subcommands: [Check.self]
    )

    /// `config check [--config FILE] [--online]`: everything `serve` would load, every problem at once.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a configuration as `serve` would and list every problem at once, with its key and line.",
            discussion: """
                Errors are what `serve` refuses to start on; warnings (certificates expiring within 30 days, a city \
                that notifies but that no identity may notify for, an issuerCA beside which no certificate has the \
                rule's CN…) are what it starts with but logs. Also prints each city's notification URL. With \
                --online, makes one mutual-TLS handshake per city with the gateway's own client certificate and says \
                which answered, and with storage: postgres opens one connection to the database as a replica would. \
                Exit status: 0 usable (warnings allowed), 1 errors, or a city or the database that did not answer.
                """)

        @Option(name: .long, help: "The configuration file.")
        var config: String = "Config/healthgate.yaml"

        @Flag(name: .long, help: "Also make one mutual-TLS handshake per city (and one database connection with storage: postgres) and report which answered.")
        var online = false

        /// Where the gateway keeps its audit trail and records.
        static func storageLine(_ snapshot: GatewayConfiguration) -> String {
            switch snapshot.storage {
            case .postgres(let postgres):
                let endpoint: String
                switch postgres.endpoint {
                case .tcp(let host, let port): endpoint = "\(host):\(port)"
                case .unixSocket(let path): endpoint = path
                }
                return "postgres \(endpoint), database \(postgres.database) as \(postgres.user), replica \(postgres.replicaId)"
                    + (postgres.caBundlePath == nil ? "" : ", TLS")
                    + " (audit chains and transfers shared; the cache stays local, beside \(snapshot.databasePath))"
            default:
                return "sqlite \(snapshot.databasePath)"
            }
        }

        func run() async throws {
            let path = URL(fileURLWithPath: config).standardizedFileURL.path
            print("configuration: \(path)")
            let snapshot: GatewayConfiguration
            do {
                snapshot = try ConfigLoader().load(path: config)
            } catch {
                print("result:        INVALID, \(error.issues.count) error(s); `serve` refuses this file")
                for issue in error.issues { print("  error    \(issue)") }
                throw ExitCode(1)
            }
            print("sha256:        \(snapshot.sha256)")
            print("home:          \(snapshot.home); \(snapshot.cities.count) cities, \(snapshot.identities.count) identities")
            print("listen:        \(snapshot.listen.host):\(snapshot.listen.port) (ops \(snapshot.ops.host):\(snapshot.ops.port))")
            print("storage:       " + Self.storageLine(snapshot))
            for warning in snapshot.warnings { print("  warning  \(warning)") }
            print("notification URLs (give each city its own; the path is its key under cities:):")
            let endpoints = NotificationEndpoint.all(in: snapshot)
            if endpoints.isEmpty { print("  none: no configured city sends notifications") }
            for endpoint in endpoints {
                let who = endpoint.identityKeys.isEmpty ? "NO identity has it: refused (403)" : endpoint.identityKeys.joined(separator: ", ")
                print("  \(endpoint.city)  \(endpoint.url)  role \(endpoint.role): \(who)")
            }
            var failed = false
            if online {
                print("online (one mutual-TLS handshake per city, with the gateway's client certificate):")
                for result in await CityProbe.run(snapshot) {
                    let ms = Int(result.elapsed.components.seconds * 1000
                                 + result.elapsed.components.attoseconds / 1_000_000_000_000_000)
                    if result.answered {
                        print("  \(result.city)  \(result.baseURL)  answered (\(result.detail), \(ms) ms)")
                    } else {
                        failed = true
                        print("  \(result.city)  \(result.baseURL)  NO ANSWER: \(result.detail) (\(ms) ms)")
                    }
                }
            }
            if online, case .postgres(let configured) = snapshot.storage {
                print("online (one connection to the shared database, as a replica opens it):")
                do {
                    let result = await PostgresProbe.run(try LiveGateway.postgresSettings(configured))
                    let ms = Int(result.elapsed.components.seconds * 1000
                                 + result.elapsed.components.attoseconds / 1_000_000_000_000_000)
                    print("  database  " + (result.answered ? "answered (\(result.detail), \(ms) ms)"
                                                              : "NO ANSWER: \(result.detail) (\(ms) ms)"))
                    failed = failed || !result.answered
                } catch {
                    print("  database  NOT TRIED: \(error.description)")
                    failed = true
                }
            }
            if failed {
                print("result:        the file is valid, but a city or the database did not answer")
                throw ExitCode(1)
            }
            print("result:        OK" + (snapshot.warnings.isEmpty ? "" : ", \(snapshot.warnings.count) warning(s)"))
        }
    }
}
