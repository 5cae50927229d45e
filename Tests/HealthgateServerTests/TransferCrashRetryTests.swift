import Foundation
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
@testable import HealthgateStorage
import HealthgateTransport
import Testing

/// One gateway on SQLite that registered an arrival with the home city and stopped before its record committed: the
/// retry after the restart sends Shanghai the very same registration (the claim kept its arrival time) and gets the
/// first registration's outcome, not a refusal for a different body.
@Suite("transfer: a crash between registering and recording")
struct TransferCrashRetryTests {
    @Test("the retry after a restart registers the same arrival and answers the first outcome")
    func retryAfterCrash() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            let traveller = try h.addHangzhouHolder(color: "red", reason: "R21", quarantineDays: 14)
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let id = UUID()
            let first = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
            #expect(first.status == 200)
            let path = h.gateway.database.path

            // What a crash after Shanghai answered and before the record committed leaves: the claim, no record.
            await h.stopGateway()
            let database = try await StorageDatabase.open(path: path)
            let queue = database.makeQueue(label: "test.crash")
            try await queue.run { (db) throws(StorageError) in
                try db.execute("DELETE FROM transfers WHERE request_id = '\(id.uuidString.lowercased())'")
            }
            await queue.close()
            await database.close()

            let restarted = try await h.restartedGateway()
            do {
                let retry = try await restarted.transfer(qr: qr, idNumber: traveller.id, requestID: id, as: agent)
                #expect(retry.status == 200, "\(retry.json)")
                #expect(retry.json["replayed"] as? Bool == false)
                #expect(h.federation.shanghai.arrivalRegistrations(requestID: id.uuidString.lowercased()) == 2)
                for field in ["status", "holder", "observationEnds"] {
                    #expect(String(describing: retry.json[field] ?? "-") == String(describing: first.json[field] ?? "-"),
                            "\(field) differs")
                }
                await restarted.stopGateway()
            } catch {
                await restarted.stopGateway()
                throw error
            }
        }
    }
}
