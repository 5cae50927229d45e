import Foundation
import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two real `healthgate serve` processes of one city on one real PostgreSQL, under concurrent load: one of them killed
/// with SIGKILL, or the database stopped. Every answer that left has its record in the answering replica's chain;
/// while the database cannot commit, nothing but 503 `audit-unavailable` leaves; both chains verify afterwards.
@Suite("replica processes on a shared PostgreSQL", .serialized)
struct ReplicaProcessTests {
    /// One answer a client received.
    struct Answer: Sendable {
        var replica: String
        var status: Int
        var requestID: String?
        var problemType: String?
        var at: ContinuousClock.Instant
    }

    /// The clients' shared tally.
    final class Tally: Sendable {
        struct State: Sendable {
            var answers: [Answer] = []
            var failures: [String: Int] = [:]
            var stopping = false
        }
        let state = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }
        var answered: Int { withLock { $0.answers.count } }
    }

    /// The database, the cities and the two replicas' configuration files.
    struct Setup {
        var server: PostgresTestServer
        var cities: CityFederation
        var configs: [String: String]
        var executable: URL

        /// Starts replica `name` (`replica-a` or `replica-b`).
        func start(_ name: String, attempt: Int = 1) async throws -> GatewayProcess {
            try await GatewayProcess.start(executable, arguments: GatewayProcess.serveArguments(configPath: configs[name]!),
                                           name: "\(name)-\(attempt)", in: cities.directory)
        }

        var headsFiles: [String] {
            [cities.directory.appendingPathComponent("audit-heads.jsonl").path,
             cities.directory.appendingPathComponent("replica-b/audit-heads.jsonl").path]
        }
    }

    func withSetup(_ body: (Setup) async throws -> Void) async throws {
        let executable = try #require(GatewayExecutable.url)
        guard let server = try await PostgresTestServer.start() else { return }
        let cities = try await CityFederation.start()
        do {
            let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
            try (yaml + ReplicaEndToEndTests.storage(server, id: "replica-a"))
                .write(toFile: cities.configPath, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(at: cities.directory.appendingPathComponent("replica-b"),
                                                    withIntermediateDirectories: true)
            let pathB = cities.directory.appendingPathComponent("replica-b.yaml").path
            try (yaml.replacingOccurrences(of: "database: healthgate.sqlite", with: "database: replica-b/healthgate.sqlite")
                + ReplicaEndToEndTests.storage(server, id: "replica-b"))
                .write(toFile: pathB, atomically: true, encoding: .utf8)
            try await body(Setup(server: server, cities: cities,
                                 configs: ["replica-a": cities.configPath, "replica-b": pathB], executable: executable))
        } catch {
            await cities.stop()
            await server.stop()
            throw error
        }
        await cities.stop()
        await server.stop()
    }

    /// Codes answered live, then from the cache, and refusals.
    static func codes(_ cities: CityFederation) throws -> [String] {
        var pool: [String] = []
        for holder in ["green-R00", "yellow-R12", "red-R21"] { pool.append(try cities.federation.hangzhou.issueCode(for: holder)) }
        for holder in ["green-clear", "yellow-keyarea"] { pool.append(try cities.federation.shanghai.issueCode(for: holder)) }
        return pool + ["HZHC2:short", "{not a code}"]
    }

    /// `clients` tasks posting verifies, alternately to each replica in `ports`, until the tally says stop.
    static func load(_ cities: CityFederation, client: CurlHTTPClient, ports: [String: Int], clients: Int,
                     tally: Tally) -> Task<Void, Never> {
        let codes = (try? Self.codes(cities)) ?? []
        let targets = ports.sorted { $0.key < $1.key }
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        var n = c
                        while !tally.withLock({ $0.stopping }) {
                            n += 1
                            let (replica, port) = targets[n % targets.count]
                            do throws(TransportError) {
                                let response = try await cities.verify(codes[(n / 2) % codes.count], client: client, port: port)
                                let problem = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                                let answer = Answer(replica: replica, status: response.status,
                                                    requestID: response.headers["X-Request-Id"],
                                                    problemType: response.status == 200 ? nil : problem?["type"] as? String,
                                                    at: .now)
                                tally.withLock { $0.answers.append(answer) }
                            } catch {
                                tally.withLock { $0.failures["\(replica) \(error.code.rawValue)", default: 0] += 1 }
                                try? await Task.sleep(for: .milliseconds(5))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Waits until `tally` holds `count` answers (or `limit` passed).
    static func waitForAnswers(_ tally: Tally, _ count: Int, limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while tally.answered < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
    }

    /// Every record of every chain, by request id: (replica, record).
    static func records(_ server: PostgresTestServer) async throws -> [String: [(String, [String: Any])]] {
        let lines = Mutex<[String]>([])
        _ = try await PostgresAuditArchive(settings: server.settings(replicaId: "test"))
            .export(since: nil, until: nil) { line in lines.withLock { $0.append(line) } }
        var byID: [String: [(String, [String: Any])]] = [:]
        for line in lines.withLock({ $0 }) {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["requestId"] as? String, let replica = object["replica"] as? String else { continue }
            byID[id, default: []].append((replica, object))
        }
        return byID
    }

    /// Each answer has exactly one record, in the chain of the replica that answered, saying what was answered.
    static func expectEveryAnswerAudited(_ answers: [Answer], records: [String: [(String, [String: Any])]]) {
        var missing = 0
        var misplaced = 0
        var disagreeing = 0
        for answer in answers {
            guard let id = answer.requestID, let found = records[id] else { missing += 1; continue }
            if found.count != 1 || found[0].0 != answer.replica { misplaced += 1; continue }
            let outcome = found[0].1["outcome"] as? String
            let agrees = answer.status == 200 ? outcome == "verified"
                : outcome == "failed" && found[0].1["errorCode"] as? String == answer.problemType
            if !agrees { disagreeing += 1 }
        }
        #expect(answers.allSatisfy { $0.requestID != nil },
                "answers without X-Request-Id: \(answers.filter { $0.requestID == nil }.prefix(3).map { "\($0.replica) \($0.status) \(String(reflecting: $0.problemType))" })")
        #expect(missing == 0, "\(missing) of \(answers.count) answered requests have no audit record")
        #expect(misplaced == 0, "\(misplaced) answers are recorded twice or in another replica's chain")
        #expect(disagreeing == 0, "\(disagreeing) records disagree with the answer")
    }

    /// Runs `healthgate audit verify` across both chains; its exit status and output.
    static func verifyWithCLI(_ setup: Setup) async throws -> (Int32, String) {
        try await cli(setup, ["audit", "verify", "--config", setup.configs["replica-a"]!]
            + setup.headsFiles.flatMap { ["--heads", $0] })
    }

    /// Runs `healthgate arguments…`; its exit status and its output and errors together.
    static func cli(_ setup: Setup, _ arguments: [String]) async throws -> (Int32, String) {
        let outcome = try await ChildProcess.run(setup.executable, arguments)
        return (outcome.status, outcome.output + outcome.errors)
    }

    @Test("two replica processes under load; one killed with SIGKILL: every answer is audited in its replica's chain, both chains verify, the killed one chains on after restart",
          .enabled(if: GatewayExecutable.url != nil, "needs the built healthgate executable: run `swift build` first"),
          .timeLimit(.minutes(3)))
    func sigkillOneReplica() async throws {
        try await withSetup { setup in
            var a = try await setup.start("replica-a")
            let b = try await setup.start("replica-b")
            let client = try setup.cities.makeClient(connections: 40)
            defer { client.shutdown() }
            let tally = Tally()
            let load = Self.load(setup.cities, client: client, ports: ["replica-a": a.port, "replica-b": b.port],
                                 clients: 24, tally: tally)
            try await Self.waitForAnswers(tally, 600)
            a.kill(SIGKILL)
            let killedAt = tally.answered
            #expect(await a.waitForExit() == .signalled(SIGKILL))
            // B goes on serving alone.
            try await Self.waitForAnswers(tally, killedAt + 300)
            tally.withLock { $0.stopping = true }
            await load.value
            let state = tally.withLock { $0 }
            #expect(state.answers.filter { $0.replica == "replica-b" }.count > 300)
            #expect(Set(state.answers.map(\.status)).isSuperset(of: [200, 400]), "\(Set(state.answers.map(\.status)))")
            #expect(state.answers.filter { $0.status >= 500 }.isEmpty,
                    "server errors: \(state.answers.filter { $0.status >= 500 }.prefix(3).map { "\($0.replica) \($0.status) \($0.problemType ?? "")" })")
            #expect(state.failures.keys.allSatisfy { $0.hasPrefix("replica-a") }, "B failed requests: \(state.failures)")
            #expect(await b.stop() == .exited(0), "\(b.logTail())")

            let records = try await Self.records(setup.server)
            Self.expectEveryAnswerAudited(state.answers, records: records)
            let (status, output) = try await Self.verifyWithCLI(setup)
            #expect(status == 0, "audit verify: \(output)")
            #expect(output.contains("chains:     2 (replica-a, replica-b)"), "\(output)")

            // "Who checked my code" answers from both replicas' chains, and the lookup is audited first.
            var replicasByHolder: [String: Set<String>] = [:]
            for found in records.values {
                for (replica, object) in found { if let holder = object["holder"] as? String { replicasByHolder[holder, default: []].insert(replica) } }
            }
            let holder = try #require(replicasByHolder.first { $0.value.count == 2 }?.key)
            let (holderStatus, listing) = try await Self.cli(setup, ["audit", "holder", "--config", setup.configs["replica-b"]!, holder])
            #expect(holderStatus == 0, "\(listing)")
            let rows = listing.split(separator: "\n").dropFirst()
            #expect(Set(rows.compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) })
                    == ["replica-a", "replica-b"], "\(listing)")
            let lookups = try await Self.records(setup.server).values.flatMap { $0 }
                .filter { $0.1["route"] as? String == "cli:audit-holder" }
            #expect(lookups.count == 1 && lookups.first?.0 == "replica-b", "the lookup is audited in the configured replica's chain")

            // The killed replica, restarted, chains on from its surviving head.
            let head = try await PostgresAuditArchive(settings: setup.server.settings(replicaId: "test")).verify()
                .first { $0.replica == "replica-a" }?.report.seqRange?.upperBound ?? 0
            a = try await setup.start("replica-a", attempt: 2)
            let answer = try await setup.cities.verify(try setup.cities.federation.hangzhou.issueCode(for: "green-R00"),
                                                       client: client, port: a.port)
            #expect(answer.status == 200, "\(a.logTail())")
            #expect(await a.stop() == .exited(0), "\(a.logTail())")
            let after = try await PostgresAuditArchive(settings: setup.server.settings(replicaId: "test")).verify()
            let chainA = try #require(after.first { $0.replica == "replica-a" }?.report)
            #expect(chainA.isValid, "\(chainA.problems.prefix(3))")
            #expect((chainA.seqRange?.upperBound ?? 0) == head + 1)
        }
    }

    @Test("PostgreSQL stopped under load: only 503 audit-unavailable leaves, every 200 is audited; both replicas recover when it is back",
          .enabled(if: GatewayExecutable.url != nil, "needs the built healthgate executable: run `swift build` first"),
          .timeLimit(.minutes(3)))
    func databaseStoppedUnderLoad() async throws {
        try await withSetup { setup in
            let a = try await setup.start("replica-a")
            let b = try await setup.start("replica-b")
            let client = try setup.cities.makeClient(connections: 40)
            defer { client.shutdown() }
            let tally = Tally()
            let load = Self.load(setup.cities, client: client, ports: ["replica-a": a.port, "replica-b": b.port],
                                 clients: 16, tally: tally)
            try await Self.waitForAnswers(tally, 300)
            try await setup.server.halt()
            let haltedAt = ContinuousClock.now
            // Wait until both replicas refuse (a commit in flight at the halt may still have been acknowledged).
            var refusedBoth = false
            for _ in 0..<1500 where !refusedBoth {
                try await Task.sleep(for: .milliseconds(20))
                let refusing = tally.withLock { state in
                    Set(state.answers.filter { $0.at > haltedAt && $0.problemType == "audit-unavailable" }.map(\.replica))
                }
                refusedBoth = refusing.count == 2
            }
            #expect(refusedBoth, "both replicas should answer 503 audit-unavailable while the database is down; after the halt: \(tally.withLock { state in Dictionary(grouping: state.answers.filter { $0.at > haltedAt }) { "\($0.replica) \($0.status) \($0.problemType ?? "-")" }.mapValues(\.count) }), failures \(tally.withLock { $0.failures })")
            try await Task.sleep(for: .seconds(1))
            let outageEnd = ContinuousClock.now
            let released = tally.withLock { state in
                state.answers.filter { $0.at > haltedAt + .seconds(6) && $0.at < outageEnd && $0.status != 503 }
            }
            #expect(released.isEmpty, "answers left while the database was down: \(released.prefix(3).map { "\($0.replica) \($0.status)" })")
            let refusals = tally.withLock { $0.answers.filter { $0.at > haltedAt && $0.status == 503 } }
            #expect(refusals.allSatisfy { $0.problemType == "audit-unavailable" },
                    "\(Set(refusals.map { $0.problemType ?? "-" }))")

            // Back: both replicas answer again without a restart.
            try await setup.server.startAgain()
            let restartedAt = ContinuousClock.now
            var recovered = false
            for _ in 0..<1500 where !recovered {
                try await Task.sleep(for: .milliseconds(20))
                recovered = tally.withLock { state in
                    Set(state.answers.filter { $0.at > restartedAt && $0.status == 200 }.map(\.replica)).count == 2
                }
            }
            #expect(recovered, "the replicas did not answer again after the database came back\nA:\n\(a.logTail(lines: 60))\nB:\n\(b.logTail(lines: 30))")
            tally.withLock { $0.stopping = true }
            await load.value
            #expect(await a.stop() == .exited(0), "\(a.logTail())")
            #expect(await b.stop() == .exited(0), "\(b.logTail())")
            let state = tally.withLock { $0 }
            // While the database is down each request waits for the audit's commit deadline, so a client's other
            // keep-alive connection can sit idle past the header timeout and be closed just as it is reused: that is
            // the only transport failure allowed (no answer is lost with it: nothing was answered on it).
            #expect(state.failures.keys.allSatisfy { $0.hasSuffix("connection-lost") }, "transport failures: \(state.failures)")
            // Every answer that left with a result is audited; refusals for lack of an audit have no record to show.
            let records = try await Self.records(setup.server)
            let withResult = state.answers.filter { $0.problemType != "audit-unavailable" }
            print("answers: \(state.answers.count), with a result: \(withResult.count), records: \(records.count)")
            Self.expectEveryAnswerAudited(withResult, records: records)
            let (status, output) = try await Self.verifyWithCLI(setup)
            #expect(status == 0, "audit verify: \(output)")
        }
    }
}
