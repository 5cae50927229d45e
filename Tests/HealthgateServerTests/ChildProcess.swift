import Foundation
import HealthgateChildProcess

/// Runs a child process to its end without blocking Swift's cooperative pool: the in-process simulators and gateway
/// answer on that pool, and a child that calls them (`config check --online`, a browser) would otherwise wait for a
/// thread its parent is holding. Started with `SpawnedChild` (posix_spawn), not Foundation's `Process`.
enum ChildProcess {
    /// What a finished child left: exit status (128 + signal when killed), standard output, standard error.
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `executable arguments`, reading both pipes on threads of their own.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> Outcome {
        let (termination, output, errors) = try await SpawnedChild.run(executable.path, arguments)
        return Outcome(status: termination.status, output: String(decoding: output, as: UTF8.self),
                       errors: String(decoding: errors, as: UTF8.self))
    }
}
