import Foundation
import HealthgatePostgresTestSupport
import Testing

/// `healthgate config check` as an operator runs it before `serve`: every problem at once with its key and line,
/// exit 1; warnings without failing; the notification URLs; `--online` says which cities answered.
@Suite("config check", .serialized)
struct ConfigCheckCommandTests {
    static let needsExecutable = Testing.ConditionTrait.enabled(
        if: GatewayExecutable.url != nil, "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first")

    /// Generous connect timeouts: a loaded test machine must not turn a slow handshake into "no answer".
    static let patient: FederationHarness.Overrides = [
        "hangzhou": ["connectTimeoutMs": "5000", "deadlineMs": "5000"],
        "shanghai": ["connectTimeoutMs": "5000", "deadlineMs": "5000"],
        "beijing": ["connectTimeoutMs": "5000", "deadlineMs": "5000"],
    ]

    static func check(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await OperatorLogTests.run(try #require(GatewayExecutable.url), ["config", "check"] + arguments)
    }

    @Test("a usable file: exit 0, the notification URLs, every city answering the handshake", needsExecutable,
          .timeLimit(.minutes(1)))
    func usable() async throws {
        let cities = try await CityFederation.start(overrides: Self.patient)
        defer { Task { await cities.stop() } }
        let result = try await Self.check(["--config", cities.configPath, "--online"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("/notifications/hangzhou  role notifier:330100: identities["))
        #expect(result.output.contains("/notifications/shanghai  role notifier:310000: identities["))
        #expect(!result.output.contains("/notifications/beijing"), "Beijing sends no notifications")
        for city in ["hangzhou", "shanghai", "beijing"] {
            #expect(result.output.contains("  \(city)  https://127.0.0.1:"), "\(city)")
        }
        #expect(result.output.components(separatedBy: "answered (HTTP").count == 4, "\(result.output)")
        #expect(result.output.contains("result:        OK"))
    }

    @Test("the stumbling points of a notifier set-up are each reported with key and line; exit 1", needsExecutable,
          .timeLimit(.minutes(1)))
    func mistakes() async throws {
        let cities = try await CityFederation.start()
        defer { Task { await cities.stop() } }
        var yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
        // Hangzhou's CA left out of listen.clientCAs: its notifier could never connect.
        yaml = yaml.replacingOccurrences(of: ", pki/cities/hangzhou/ca.pem, pki/cities/shanghai/ca.pem]",
                                         with: ", pki/cities/shanghai/ca.pem]")
        // Shanghai's notifier rule names a CN no certificate of Shanghai's CA has.
        yaml = yaml.replacingOccurrences(of: "subjectCN: shanghai-notifier", with: "subjectCN: shanghai-notify")
        // A misspelt key, and a second Hangzhou-style city with Hangzhou's prefix.
        yaml = yaml.replacingOccurrences(of: "    freshnessSeconds: 30\n", with: "    freshnesSeconds: 30\n", options: [],
                                         range: yaml.range(of: "    freshnessSeconds: 30\n"))
        try yaml.write(toFile: cities.configPath, atomically: true, encoding: .utf8)

        let result = try await Self.check(["--config", cities.configPath])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("INVALID"))
        let lines = result.output.split(separator: "\n").map(String.init)
        func reported(_ path: String, _ words: String) -> Bool {
            lines.contains { $0.contains("error") && $0.contains(path) && $0.contains("(line ") && $0.contains(words) }
        }
        #expect(reported("freshnesSeconds", "did you mean freshnessSeconds"), "\(result.output)")

        // Fix the misspelling: now the cross-key checks run, and every remaining problem is listed at once.
        yaml = yaml.replacingOccurrences(of: "freshnesSeconds", with: "freshnessSeconds")
        try yaml.write(toFile: cities.configPath, atomically: true, encoding: .utf8)
        let second = try await Self.check(["--config", cities.configPath])
        #expect(second.status == 1, "\(second.output)")
        let secondLines = second.output.split(separator: "\n").map(String.init)
        #expect(secondLines.contains { $0.contains("error") && $0.contains(".issuerCA (line ") && $0.contains("not in listen.clientCAs") },
                "\(second.output)")

        // With Hangzhou's CA back, the file is usable; the wrong CN is a warning naming the certificates found.
        yaml = yaml.replacingOccurrences(of: ", pki/cities/shanghai/ca.pem]",
                                         with: ", pki/cities/hangzhou/ca.pem, pki/cities/shanghai/ca.pem]")
        try yaml.write(toFile: cities.configPath, atomically: true, encoding: .utf8)
        let third = try await Self.check(["--config", cities.configPath])
        #expect(third.status == 0, "\(third.output)")
        #expect(third.output.split(separator: "\n").contains {
            $0.contains("warning") && $0.contains(".subjectCN (line ") && $0.contains("shanghai-notifier")
        }, "\(third.output)")
    }

    @Test("--online names a city that does not answer; exit 1", needsExecutable, .timeLimit(.minutes(1)))
    func offline() async throws {
        let cities = try await CityFederation.start(overrides: Self.patient)
        defer { Task { await cities.stop() } }
        var yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
        // Beijing moved to a port where nothing listens.
        let beijing = try #require(yaml.firstRange(of: #/baseURL: https://127\.0\.0\.1:\d+\n(?=    clientCertificate: pki/cities/beijing)/#))
        yaml.replaceSubrange(beijing, with: "baseURL: https://127.0.0.1:1\n")
        try yaml.write(toFile: cities.configPath, atomically: true, encoding: .utf8)
        let result = try await Self.check(["--config", cities.configPath, "--online"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("beijing  https://127.0.0.1:1  NO ANSWER: beijing could not be reached"), "\(result.output)")
        #expect(result.output.contains("hangzhou  https://127.0.0.1:") && result.output.contains("answered (HTTP"), "\(result.output)")
    }

    @Test("storage: postgres: the storage line, and --online opens one database connection; a stopped database is exit 1",
          needsExecutable, .timeLimit(.minutes(1)))
    func database() async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        let cities = try await CityFederation.start(overrides: Self.patient)
        do {
            let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
            try (yaml + ReplicaEndToEndTests.storage(server, id: "hz-gw-1"))
                .write(toFile: cities.configPath, atomically: true, encoding: .utf8)
            let up = try await Self.check(["--config", cities.configPath, "--online"])
            #expect(up.status == 0, "\(up.output)")
            #expect(up.output.contains("storage:       postgres \(server.socketPath), database postgres as postgres, replica hz-gw-1"),
                    "\(up.output)")
            #expect(up.output.contains("  database  answered (PostgreSQL "), "\(up.output)")
            try await server.halt()
            let down = try await Self.check(["--config", cities.configPath, "--online"])
            #expect(down.status == 1, "\(down.output)")
            #expect(down.output.contains("  database  NO ANSWER: postgres-unavailable"), "\(down.output)")
        } catch {
            Issue.record("\(error)")
        }
        await cities.stop()
        await server.stop()
    }
}
