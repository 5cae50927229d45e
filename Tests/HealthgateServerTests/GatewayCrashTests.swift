import Foundation
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The gateway as a real `healthgate serve` process, killed with SIGKILL while checkpoints' requests are in flight:
/// every answer a client saw has exactly one audit record, the SQLite file is sound, the chain verifies, and a
/// restarted gateway chains on from the surviving head.
@Suite("gateway process: SIGKILL under load")
struct GatewayCrashTests {
    /// One answer a client received (any HTTP status).
    struct Answer: Sendable {
        var status: Int
        var requestID: String?
        /// The problem+json `type` of a refusal.
        var problemType: String?
    }

    /// What the concurrent clients did.
    struct Load: Sendable {
        var started = 0
        var finished = 0
        var answers: [Answer] = []
        var failuresBeforeKill: [String] = []
        var failuresAfterKill = 0
        var stopping = false
    }

    /// The clients' shared tally.
    final class LoadRecorder: Sendable {
        let state = Mutex(Load())
        func withLock<T>(_ body: (inout Load) -> T) -> T { state.withLock { body(&$0) } }
    }

    static let clients = 24
    static let killAfterAnswers = 600

    @Test("SIGKILL during concurrent verifies loses no answered request's record; file, chain and restart are sound",
          .enabled(if: GatewayExecutable.url != nil,
                   "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first"),
          .timeLimit(.minutes(2)))
    func sigkillDuringConcurrentVerifies() async throws {
        let executable = try #require(GatewayExecutable.url)
        let cities = try await CityFederation.start()
        let client = try cities.makeClient(connections: Self.clients + 8)
        var children: [GatewayProcess] = []
        defer {
            for child in children { child.kill(SIGKILL) }
        }
        do {
            let gateway = try await GatewayProcess.start(
                executable, arguments: GatewayProcess.serveArguments(configPath: cities.configPath), name: "gateway-1",
                in: cities.directory)
            children.append(gateway)
            try await Self.crashAndCheck(cities: cities, client: client, gateway: gateway, executable: executable) {
                children.append($0)
            }
        } catch {
            Issue.record("\(error)")
        }
        for child in children { await child.stop(grace: .seconds(5)) }
        client.shutdown()
        await cities.stop()
    }

    static func crashAndCheck(cities: CityFederation, client: CurlHTTPClient, gateway: GatewayProcess, executable: URL,
                              started: (GatewayProcess) -> Void) async throws {
        // Valid codes of two issuers (answered from the issuer, then the cache) and refusals: malformed, unknown issuer,
        // well-formed but unknown to Hangzhou, and a caller whose role may not verify.
        let hz = cities.federation.hangzhou
        let sh = cities.federation.shanghai
        var pool: [String] = []
        for holder in ["green-R00", "yellow-R12", "red-R21", "init"] { pool.append(try hz.issueCode(for: holder)) }
        for holder in ["green-clear", "yellow-keyarea", "red-suspected", "not-enrolled"] { pool.append(try sh.issueCode(for: holder)) }
        pool += ["hello world", "HZHC2:short", "HZHC2:7777777777777777777777777A", "{not a code}", "HZHC2:!!"]
        let codes = pool
        // Every 10th request comes from Hangzhou's notifier, whose role may not verify: 403, audited as well.
        let notifier = cities.layout.cityNotifier(.hangzhou)

        // The load: each client posts verifies back to back until the kill.
        let recorder = LoadRecorder()
        let loadTask = Task {
            await withTaskGroup(of: Void.self) { group in
                for c in 0..<Self.clients {
                    group.addTask {
                        var n = c
                        while true {
                            let go = recorder.withLock { load -> Bool in
                                if load.stopping { return false }
                                load.started += 1
                                return true
                            }
                            guard go else { return }
                            n += 7
                            do throws(TransportError) {
                                let response = try await cities.verify(codes[n % codes.count], client: client, port: gateway.port,
                                                                       as: n % 10 == 3 ? notifier : nil)
                                let problem = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                                let answer = Answer(status: response.status, requestID: response.headers["X-Request-Id"],
                                                    problemType: response.status == 200 ? nil : problem?["type"] as? String)
                                recorder.withLock {
                                    $0.finished += 1
                                    $0.answers.append(answer)
                                }
                            } catch {
                                recorder.withLock {
                                    $0.finished += 1
                                    if $0.stopping { $0.failuresAfterKill += 1 } else { $0.failuresBeforeKill.append(error.code.rawValue) }
                                }
                            }
                        }
                    }
                }
            }
        }

        // Kill once enough answers were seen, with the clients still sending.
        let deadline = ContinuousClock.now + .seconds(40)
        while recorder.withLock({ $0.answers.count }) < Self.killAfterAnswers, gateway.ended == nil,
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // The signal leaves while the tally is held, so that no answer can arrive between counting what is in flight
        // and the kill (a loaded machine could otherwise deschedule this task there until every request was answered).
        let inFlightAtKill = recorder.withLock { load -> Int in
            load.stopping = true
            gateway.kill(SIGKILL)
            return load.started - load.finished
        }
        await loadTask.value
        let ended = await gateway.waitForExit()
        let load = recorder.withLock { $0 }

        #expect(ended == .signalled(SIGKILL), "the gateway was not killed by our SIGKILL: \(String(describing: ended))\n\(gateway.logTail())")
        #expect(load.answers.count >= Self.killAfterAnswers, "too few answers before the kill\n\(gateway.logTail())")
        #expect(load.failuresBeforeKill.isEmpty, "requests failed before the kill: \(Set(load.failuresBeforeKill))")
        #expect(inFlightAtKill > 0, "no request was in flight when the gateway was killed")
        #expect(load.failuresAfterKill > 0, "the kill cut no request short")
        let statuses = Set(load.answers.map(\.status))
        #expect(statuses.isSuperset(of: [200, 400, 403]),
                "the load should mix answered verifies and refusals: \(statuses.sorted())")
        let withoutID = load.answers.filter { $0.requestID == nil }
        #expect(withoutID.isEmpty, "\(withoutID.count) answers without X-Request-Id: \(Set(withoutID.map(\.status)))")

        // Restart of the storage (WAL recovery), then the checks.
        let key = try AuditSigner(pemFile: cities.auditKeyPath).publicKey
        let database = try await StorageDatabase.open(path: cities.databasePath)
        #expect(try await database.integrityCheck() == ["ok"])
        let log = AuditLog(database: database, signer: nil)
        let head = try await log.head()
        let entries = head.seq > 0 ? try await log.entries(seq: 1...head.seq) : []
        var byID: [String: [AuditEntry]] = [:]
        for entry in entries { byID[entry.record.requestID, default: []].append(entry) }
        let answeredIDs = load.answers.compactMap(\.requestID)
        #expect(Set(answeredIDs).count == answeredIDs.count, "a request id was answered twice")
        let missing = answeredIDs.filter { byID[$0] == nil }
        #expect(missing.isEmpty, "\(missing.count) of \(answeredIDs.count) answered requests have no audit record, e.g. \(missing.prefix(3))")
        let duplicated = byID.filter { $0.value.count > 1 }
        #expect(duplicated.isEmpty, "\(duplicated.count) request ids have more than one record")
        #expect(entries.count >= answeredIDs.count)
        // Each record says what was answered: a verification result for a 200, the problem type for a refusal.
        var mismatched: [String] = []
        for answer in load.answers {
            guard let id = answer.requestID, let record = byID[id]?.first?.record else { continue }
            let agrees: Bool
            switch record.outcome {
            case .verified: agrees = answer.status == 200
            case .completed: agrees = false
            case .failed(let code): agrees = answer.status != 200 && code == answer.problemType
            }
            if !agrees { mismatched.append("\(answer.status) \(answer.problemType ?? "-") vs \(record.outcome)") }
            #expect(record.route == "POST /v1/verify")
        }
        #expect(mismatched.isEmpty, "records that disagree with the answer: \(mismatched.prefix(5))")
        var report = try await AuditVerifier(database: database).verify(publicKey: key)
        #expect(report.isValid, "\(report.problems.prefix(3))")
        #expect(report.recordsChecked == entries.count)
        #expect(report.signaturesVerified > 0, "no signed head survived (signEveryRecords: 100)")
        await log.close()
        await database.close()

        // A restarted gateway on the same database answers and chains on from the surviving head.
        let restarted = try await GatewayProcess.start(
            executable, arguments: GatewayProcess.serveArguments(configPath: cities.configPath), name: "gateway-2",
            in: cities.directory)
        started(restarted)
        let answer = try await cities.verify(try hz.issueCode(for: "green-R00"), client: client, port: restarted.port)
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))\n\(restarted.logTail())")
        let requestID = try #require(answer.headers["X-Request-Id"])
        let stopped = await restarted.stop()
        #expect(stopped == .exited(0), "graceful stop: \(String(describing: stopped))\n\(restarted.logTail())")

        let reopened = try await StorageDatabase.open(path: cities.databasePath)
        let again = AuditLog(database: reopened, signer: nil)
        let newHead = try await again.head()
        #expect(newHead.seq == head.seq + 1)
        let appended = try await again.entries(seq: (head.seq + 1)...max(head.seq + 1, newHead.seq))
        #expect(appended.first?.record.requestID == requestID)
        #expect(appended.first?.prevHash == head.hash, "the first record after the restart does not chain on the old head")
        report = try await AuditVerifier(database: reopened).verify(publicKey: key)
        #expect(report.isValid, "\(report.problems.prefix(3))")
        #expect(report.recordsChecked == Int(newHead.seq))
        #expect(try await reopened.integrityCheck() == ["ok"])
        await again.close()
        await reopened.close()
    }
}
