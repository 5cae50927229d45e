import Foundation
import HealthgateConfig
import HealthgatePostgres
import HealthgatePostgresTestSupport
import HealthgateServer
import HealthgateSimulators
import HealthgateStorage
import Testing

/// Two in-process gateways (`LiveGateway`s, each with its own SQLite files) of one city sharing a real PostgreSQL
/// (`storage: postgres`): a city's notification to replica A means replica B no longer serves the old colour, and
/// B's `/readyz` follows the database.
@Suite("replicas on a shared PostgreSQL", .serialized)
struct ReplicaEndToEndTests {
    /// The `storage:` section for replica `id` on `server`'s unix socket.
    static func storage(_ server: PostgresTestServer, id: String) -> String {
        """

        storage:
          kind: postgres
          unixSocket: \(server.socketPath)
          database: postgres
          user: postgres
          poolSize: 2
          replicaId: \(id)

        """
    }

    /// Runs `body` with replica A (notified by the cities) and replica B (not notified) on one database.
    func withReplicas(_ body: (PostgresTestServer, FederationHarness, FederationHarness) async throws -> Void)
        async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        let cities = try await CityFederation.start()
        var a: FederationHarness?
        var b: FederationHarness?
        do {
            let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
            try (yaml + Self.storage(server, id: "replica-a")).write(toFile: cities.configPath, atomically: true,
                                                                     encoding: .utf8)
            try FileManager.default.createDirectory(at: cities.directory.appendingPathComponent("replica-b"),
                                                    withIntermediateDirectories: true)
            let pathB = cities.directory.appendingPathComponent("replica-b.yaml").path
            try (yaml.replacingOccurrences(of: "database: healthgate.sqlite", with: "database: replica-b/healthgate.sqlite")
                + Self.storage(server, id: "replica-b")).write(toFile: pathB, atomically: true, encoding: .utf8)
            a = try await FederationHarness.start(gatewayOn: cities)
            b = try await FederationHarness.start(gatewayOn: cities, configPath: pathB, subscribe: false)
            for replica in [a!, b!] {
                let shared = try #require(replica.gateway.shared)
                for _ in 0..<500 where !shared.trustsCache { try await Task.sleep(for: .milliseconds(10)) }
            }
            try await body(server, a!, b!)
        } catch {
            await b?.stopGateway()
            await a?.stopGateway()
            await cities.stop()
            await server.stop()
            throw error
        }
        await b?.stopGateway()
        await a?.stopGateway()
        await cities.stop()
        await server.stop()
    }

    @Test("Hangzhou notifies replica A of red: replica B does not answer the cached green")
    func notificationToAReachesB() async throws {
        try await withReplicas { _, a, b in
            let hz = b.federation.hangzhou
            let qr = try hz.issueCode(for: "green-R00")
            #expect(try await b.verify(qr).json["freshness"] as? String == "live")
            let cached = try await b.verify(qr)
            #expect(cached.json["freshness"] as? String == "cached")
            #expect(cached.json["status"] as? String == "green")

            let deliveries = try await hz.setStatus("green-R00", color: "red")
            let acknowledged = ContinuousClock.now
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.delivered == true)
            let after = try await b.verify(qr)
            print("replica B answered \(ContinuousClock.now - acknowledged) after A acknowledged the notification:"
                  + " \(after.json["status"] as? String ?? "?") (\(after.json["freshness"] as? String ?? "?"))")
            #expect(after.json["status"] as? String == "red")
            #expect(after.json["freshness"] as? String == "live")
            _ = a
        }
    }

    @Test("replica B's /readyz fails while the database is down and recovers when it is back, without a restart")
    func readinessFollowsTheDatabase() async throws {
        try await withReplicas { server, _, b in
            #expect(try await b.ops("/readyz").status == 200)
            try await server.halt()
            var down = 0
            for _ in 0..<100 {
                down = try await b.ops("/readyz").status
                if down == 503 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(down == 503)
            try await server.startAgain()
            var up = 0
            for _ in 0..<150 {
                up = try await b.ops("/readyz").status
                if up == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(up == 200)
        }
    }

    @Test("one transfer request id sent to both replicas at once: the arrival is registered once, both answer the same transfer")
    func oneTransferTwoReplicas() async throws {
        try await withReplicas { _, a, b in
            let agent = try a.transferAgent()
            // B's copy leaves at once or a little later: during A's run, or around the moment A records it.
            let delays: [Duration] = [.zero, .zero, .milliseconds(5), .milliseconds(30), .milliseconds(120)]
            for (round, delay) in delays.enumerated() {
                let traveller = try a.addHangzhouHolder(color: "yellow", reason: "R12", quarantineDays: 6)
                let qr = try a.federation.hangzhou.issueCode(for: traveller.handle)
                let id = UUID()
                async let first = a.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
                async let second = { () async throws -> (status: Int, json: [String: Any]) in
                    try await Task.sleep(for: delay)
                    return try await b.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
                }()
                let answers = try await [first, second]
                #expect(answers.map(\.status) == [200, 200], "round \(round): \(answers.map(\.json))")
                #expect(a.federation.shanghai.arrivalRegistrations(requestID: id.uuidString.lowercased()) == 1,
                        "round \(round): the arrival was registered more than once")
                // The same transfer in both answers; exactly one of them ran it.
                var bodies = answers.map(\.json)
                #expect(bodies.compactMap { $0["replayed"] as? Bool }.sorted { !$0 && $1 } == [false, true])
                for index in bodies.indices { bodies[index]["replayed"] = nil }
                let canonical = try bodies.map {
                    String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
                }
                #expect(canonical[0] == canonical[1], "round \(round): the answers differ")
                #expect(bodies[0]["status"] as? String == "yellow")
            }
            // Each replica audited its own requests, in its own chain.
            #expect(try await a.auditEntries().filter { $0.record.route == "POST /v1/transfers" }.count == 5)
            #expect(try await b.auditEntries().filter { $0.record.route == "POST /v1/transfers" }.count == 5)
        }
    }

    @Test("a replica that died between registering the arrival and recording it: the retry on another replica gets the first registration's outcome")
    func diedBetweenRegisteringAndRecording() async throws {
        try await withReplicas { server, a, b in
            let agent = try a.transferAgent()
            let traveller = try a.addHangzhouHolder(color: "yellow", reason: "R12", quarantineDays: 6)
            let qr = try a.federation.hangzhou.issueCode(for: traveller.handle)
            let id = UUID()
            let first = try await a.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
            #expect(first.status == 200)
            // What a replica killed after Shanghai answered and before its record committed leaves behind: the claim,
            // its lease lapsed, and no record.
            let key = id.uuidString.lowercased()
            try await server.execute("DELETE FROM transfers WHERE request_id = '\(key)'")
            try await server.execute("UPDATE transfer_claims SET lease_until_ms = 0 WHERE request_id = '\(key)'")

            let retry = try await b.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
            #expect(retry.status == 200, "\(retry.json)")
            #expect(retry.json["replayed"] as? Bool == false, "B ran the flow again")
            // Shanghai got the very same registration twice and answered the second with the first one's outcome.
            #expect(a.federation.shanghai.arrivalRegistrations(requestID: key) == 2)
            for field in ["status", "holder", "observationEnds", "admits"] {
                #expect(String(describing: retry.json[field] ?? "-") == String(describing: first.json[field] ?? "-"),
                        "\(field) differs")
            }
            let local = { (json: [String: Any]) in (json["local"] as? [String: Any])?["observeEndTime"] as? Int }
            #expect(local(retry.json) == local(first.json))
            // From now on every replica repeats B's record.
            let again = try await a.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
            #expect(again.json["replayed"] as? Bool == true)
            #expect(a.federation.shanghai.arrivalRegistrations(requestID: key) == 2)
        }
    }
}
