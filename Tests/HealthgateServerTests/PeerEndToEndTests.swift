import Foundation
import HealthgateConfig
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// The endpoints a peer gateway calls (`federation.md`).
@Suite("peer endpoints end to end", .serialized)
struct PeerEndToEndTests {
    @Test("a peer verifies a Shanghai code; codes of other cities are not this gateway's to answer; status events")
    func peer() async throws {
        try await FederationHarness.withFederation { h in
            let peer = h.layout.gatewayPeerClient("330100")
            let qr = try h.federation.shanghai.issueCode(for: "yellow-contact")
            let body = try JSONSerialization.data(withJSONObject: ["qr": qr, "purpose": "checkpoint", "callerRegion": "330100"])
            let answer = try await h.post("/federation/v1/verify", json: String(decoding: body, as: UTF8.self), as: peer)
            #expect(answer.status == 200)
            let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
            #expect(json?["status"] as? String == "yellow")
            #expect(json?["issuer"] as? String == "310000")
            #expect(json?["local"] == nil)

            let foreign = try h.federation.beijing.issueCode(for: "green")
            let other = try await h.post("/federation/v1/verify", json: "{\"qr\":\"\(foreign)\",\"purpose\":\"checkpoint\"}", as: peer)
            #expect(other.status == 400)

            // The checkpoint may not call the peer endpoint.
            let checkpoint = try await h.post("/federation/v1/verify", json: String(decoding: body, as: UTF8.self), as: h.checkpoint)
            #expect(checkpoint.status == 403)

            // A status event drops the cached entry: the next verify is live again.
            let sqr = try h.federation.shanghai.issueCode(for: "green-clear")
            _ = try await h.verify(sqr)
            #expect(try await h.verify(sqr).json["freshness"] as? String == "cached")
            let sid = try #require(h.federation.shanghai.holder("green-clear")?.sid)
            let event = "{\"issuer\":\"310000\",\"holderRef\":\"\(sid)\",\"status\":\"red\",\"at\":\"2020-03-02T11:20:00+08:00\"}"
            let accepted = try await h.post("/federation/v1/status-events", json: event, as: peer)
            #expect(accepted.status == 204)
            #expect(try await h.verify(sqr).json["freshness"] as? String == "live")
            let malformed = try await h.post("/federation/v1/status-events", json: "{\"issuer\":\"31\"}", as: peer)
            #expect(malformed.status == 400)
        }
    }
}
