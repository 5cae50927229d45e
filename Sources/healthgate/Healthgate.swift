import ArgumentParser

/// The `healthgate` command: the gateway, its operations tools, and the local federation demo.
@main
struct Healthgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthgate",
        abstract: "The inter-city health-code federation gateway.",
        subcommands: [ServeCommand.self, ConfigCommand.self, PKICommand.self, SimulateCommand.self, DemoCommand.self, InspectCommand.self, AuditCommand.self]
    )
}
