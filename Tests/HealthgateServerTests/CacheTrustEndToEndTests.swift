import Foundation
import HealthgateModel
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// The cache answers only what the issuer itself said for that very code, scene and moment; a holder's newest notice
/// bounds every degraded answer; a peer speaks only for its own city. Each test failed on the holder-keyed cache.
@Suite("cache trust end to end", .serialized)
struct CacheTrustEndToEndTests {
    @Test("a forged Beijing check after a genuine code of the same card is asked of Beijing, never answered from cache")
    func forgedBeijingCheck() async throws {
        try await FederationHarness.withFederation { h in
            let qr = try h.federation.beijing.issueCode(for: "green")
            #expect(try await h.verify(qr).json["freshness"] as? String == "live")
            #expect(try await h.verify(qr).json["freshness"] as? String == "cached")
            let parts = qr.split(separator: "|").map(String.init)
            let generated = try #require(ChinaTime.parseCompact(parts[2]))
            // The same card with the same time, and with a later one; a check only Beijing could compute is made up.
            for time in [parts[2], ChinaTime.formatCompact(generated.addingTimeInterval(5))] {
                let forged = "BJJXXZ|\(parts[1])|\(time)|00000000"
                let answer = try await h.verify(forged)
                #expect(answer.status != 200)
                #expect(answer.json["admits"] == nil)
                #expect(answer.json["type"] as? String == "code-not-found")
            }
            let admitted = try await h.auditEntries().filter {
                if case .verified(_, _, admits: true) = $0.record.outcome { return true }
                return false
            }
            #expect(admitted.count == 2)  // the genuine code, live and cached; nothing forged
        }
    }

    @Test("a Hangzhou token answered live shortly before its 300 s end is never answered from cache past it")
    func hangzhouTokenPastItsLife() async throws {
        try await FederationHarness.withFederation { h in
            let hz = h.federation.hangzhou
            let issuedAt = Date().addingTimeInterval(-297)
            hz.clock.set(issuedAt)
            let qr = try hz.issueCode(for: "green-R00")
            hz.clock.set(nil)
            let live = try await h.verify(qr)
            #expect(live.json["freshness"] as? String == "live")
            #expect(live.json["admits"] as? Bool == true)
            // Within the 30 s budget, but past the token's own validity (refresh_time + 300 s).
            let end = issuedAt.addingTimeInterval(300.2)
            try await Task.sleep(for: .seconds(max(0, end.timeIntervalSinceNow)))
            let after = try await h.verify(qr)
            #expect(after.status == 410)
            #expect(after.json["type"] as? String == "code-expired")
        }
    }

    @Test("a scene Hangzhou refuses is never answered from another scene's cache entry")
    func refusedScene() async throws {
        try await FederationHarness.withFederation { h in
            let hz = h.federation.hangzhou
            hz.refusedIndustryTypes = ["retail"]
            let fresh = try await h.verify(try hz.issueCode(for: "green-R00"), scene: "retail")
            #expect(fresh.json["type"] as? String == "issuer-refused")
            let qr = try hz.issueCode(for: "green-R00")
            #expect(try await h.verify(qr, scene: "transport").json["freshness"] as? String == "live")
            #expect(try await h.verify(qr, scene: "transport").json["freshness"] as? String == "cached")
            let retail = try await h.verify(qr, scene: "retail")
            #expect(retail.status == 502)
            #expect(retail.json["type"] as? String == "issuer-refused")
        }
    }

    @Test("after Shanghai's red notification, an unavailable Shanghai gives the holder's token red, not its signed green")
    func signatureOnlyBoundedByNotice() async throws {
        try await FederationHarness.withFederation(overrides: ["shanghai": ["allowSignatureOnlyAdmit": "true"]]) { h in
            let sh = h.federation.shanghai
            let qr = try sh.issueCode(for: "green-clear")
            #expect(try await h.verify(qr).json["admits"] as? Bool == true)
            let deliveries = try await sh.setStatus("green-clear", status: "red", reasonCodes: ["SH-CONTACT"])
            #expect(deliveries.first?.delivered == true)
            sh.faults.set(.busy)
            let degraded = try await h.verify(qr)
            #expect(degraded.status == 200)
            #expect(degraded.json["freshness"] as? String == "signature-only")
            #expect(degraded.json["status"] as? String == "red")
            #expect(degraded.json["admits"] as? Bool == false)
            // Another holder's signed green is still answered as the deployment allows.
            let other = try await h.verify(try sh.issueCode(for: "green-none"))
            #expect(other.json["freshness"] as? String == "signature-only")
            #expect(other.json["status"] as? String == "green")
            sh.faults.clear()
        }
    }

    @Test("a peer's status event for another city's holder is 403 forbidden and drops nothing")
    func foreignIssuerEvent() async throws {
        try await FederationHarness.withFederation { h in
            let hz = h.federation.hangzhou
            let qr = try hz.issueCode(for: "green-R00")
            #expect(try await h.verify(qr).json["freshness"] as? String == "live")
            let ref = try #require(hz.holder("green-R00")?.holderRef(forRegion: "310000"))
            let event = "{\"issuer\":\"330100\",\"holderRef\":\"\(ref)\",\"status\":\"red\"}"
            let refused = try await h.post("/federation/v1/status-events", json: event,
                                           as: h.layout.gatewayPeerClient("110000"))
            #expect(refused.status == 403)
            let problem = try JSONSerialization.jsonObject(with: Data(refused.body)) as? [String: Any]
            #expect(problem?["type"] as? String == "forbidden")
            #expect(try await h.verify(qr).json["freshness"] as? String == "cached")
            // Hangzhou's own gateway may.
            let accepted = try await h.post("/federation/v1/status-events", json: event,
                                            as: h.layout.gatewayPeerClient("330100"))
            #expect(accepted.status == 204)
            #expect(try await h.verify(qr).json["freshness"] as? String == "live")
        }
    }
}
