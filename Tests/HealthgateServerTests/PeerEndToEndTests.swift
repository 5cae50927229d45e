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

            // A status event from the holder's own city's gateway drops the cached entry: the next verify is live again.
            let hqr = try h.federation.hangzhou.issueCode(for: "green-R00")
            _ = try await h.verify(hqr)
            #expect(try await h.verify(hqr).json["freshness"] as? String == "cached")
            let ref = try #require(h.federation.hangzhou.holder("green-R00")?.holderRef(forRegion: "310000"))
            let event = "{\"issuer\":\"330100\",\"holderRef\":\"\(ref)\",\"status\":\"red\",\"at\":\"2020-03-02T11:20:00+08:00\"}"
            let accepted = try await h.post("/federation/v1/status-events", json: event, as: peer)
            #expect(accepted.status == 204)
            #expect(try await h.verify(hqr).json["freshness"] as? String == "live")
            let malformed = try await h.post("/federation/v1/status-events", json: "{\"issuer\":\"33\"}", as: peer)
            #expect(malformed.status == 400)
        }
    }
}
