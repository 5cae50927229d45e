import Foundation
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM to a real `healthgate serve` process while verifies wait on a slow issuer: every request already in flight
/// is answered, each with its audit record, the chain head is signed on the way out (also in the head witness file),
/// and the process exits 0.
@Suite("gateway process: graceful shutdown")
struct GatewayShutdownTests {
    static let inFlight = 6

    @Test("SIGTERM drains in-flight verifies, audits them, signs the head and exits 0",
          .enabled(if: GatewayExecutable.url != nil,
                   "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first"),
          .timeLimit(.minutes(2)))
    func sigtermDrains() async throws {
        let executable = try #require(GatewayExecutable.url)
        // A generous Hangzhou deadline: under a loaded test run, 1.5 s of slowness must not become a timeout.
        let cities = try await CityFederation.start(overrides: ["hangzhou": ["deadlineMs": "5000"]])
        let client = try cities.makeClient(connections: Self.inFlight + 2)
        let gateway = try await GatewayProcess.start(
            executable, arguments: GatewayProcess.serveArguments(configPath: cities.configPath), name: "gateway",
            in: cities.directory)
        defer { gateway.kill(SIGKILL) }

        // Distinct holders, so that none is answered from the cache; Hangzhou takes 1.5 s for each of them.
        let hz = cities.federation.hangzhou
        var codes: [String] = []
        for holder in ["green-R00", "yellow-R12", "red-R21"] {
            for _ in 0..<(Self.inFlight / 3) { codes.append(try hz.issueCode(for: holder)) }
        }
        hz.faults.set(.slow(milliseconds: 1500), times: Self.inFlight)
        let requests = Task {
            await withTaskGroup(of: (Result<TransportResponse, TransportError>, ContinuousClock.Instant).self) { group in
                for code in codes {
                    group.addTask {
                        do throws(TransportError) {
                            return (.success(try await cities.verify(code, client: client, port: gateway.port)), .now)
                        } catch {
                            return (.failure(error), .now)
                        }
                    }
                }
                var results: [(Result<TransportResponse, TransportError>, ContinuousClock.Instant)] = []
                for await result in group { results.append(result) }
                return results
            }
        }
        // Once every request has reached Hangzhou (each took one use of the counted fault), ask the gateway to stop.
        let reached = ContinuousClock.now + .seconds(20)
        while hz.faults.current != nil, ContinuousClock.now < reached { try await Task.sleep(for: .milliseconds(10)) }
        #expect(hz.faults.current == nil, "not every request reached Hangzhou: \(String(describing: hz.faults.current))")
        let terminated = ContinuousClock.now
        gateway.kill(SIGTERM)
        let results = await requests.value
        let ended = await gateway.waitForExit()
        hz.faults.clear()

        #expect(ended == .exited(0), "\(String(describing: ended))\n\(gateway.logTail())")
        var requestIDs: [String] = []
        #expect(results.allSatisfy { $0.1 > terminated }, "some request was answered before the SIGTERM: not in flight")
        for (result, _) in results {
            switch result {
            case .success(let response):
                #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
                if let id = response.headers["X-Request-Id"] { requestIDs.append(id) }
            case .failure(let error):
                Issue.record("an in-flight request was cut off by the shutdown: \(error.code.rawValue)\n\(gateway.logTail())")
            }
        }
        #expect(requestIDs.count == Self.inFlight)

        // Every answered request is in the trail, and the head was signed on the way out.
        let key = try AuditSigner(pemFile: cities.auditKeyPath).publicKey
        let database = try await StorageDatabase.open(path: cities.databasePath)
        let log = AuditLog(database: database, signer: nil)
        let head = try await log.head()
        let entries = head.seq > 0 ? try await log.entries(seq: 1...head.seq) : []
        #expect(Set(entries.map(\.record.requestID)).isSuperset(of: requestIDs))
        let witness = AuditHeadWitness(path: URL(fileURLWithPath: cities.databasePath).deletingLastPathComponent()
            .appendingPathComponent("audit-heads.jsonl").path)
        let witnessed = try witness.read().heads
        #expect(witnessed.last?.seq == head.seq, "the final head was not witnessed")
        let report = try await AuditVerifier(database: database).verify(publicKey: key, witnessedHeads: witnessed)
        #expect(report.isValid, "\(report.problems.prefix(3))")
        #expect(report.unsignedTail == 0, "the shutdown left \(report.unsignedTail) record(s) unsigned")
        await log.close()
        await database.close()
        client.shutdown()
        await cities.stop()
    }
}
