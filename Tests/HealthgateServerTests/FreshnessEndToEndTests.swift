import Foundation
import HealthgateConfig
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// Cache, invalidation by notification, stale and signature-only answers, with the simulators' fault switches.
@Suite("freshness end to end", .serialized)
struct FreshnessEndToEndTests {
    @Test("a Hangzhou notification turns a cached green red: the next verify is red")
    func hangzhouNotification() async throws {
        try await FederationHarness.withFederation { h in
            let hz = h.federation.hangzhou
            let qr = try hz.issueCode(for: "green-R00")
            let first = try await h.verify(qr)
            #expect(first.json["status"] as? String == "green")
            #expect(first.json["freshness"] as? String == "live")
            let second = try await h.verify(qr)
            #expect(second.json["status"] as? String == "green")
            #expect(second.json["freshness"] as? String == "cached")
            let deliveries = try await hz.setStatus("green-R00", color: "red", reason: "R11")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.lastStatus == 200)
            let third = try await h.verify(qr)
            #expect(third.json["status"] as? String == "red")
            #expect(third.json["freshness"] as? String == "live")
            #expect(third.json["admits"] as? Bool == false)
        }
    }

    @Test("a Shanghai status.changed notification invalidates the holder")
    func shanghaiNotification() async throws {
        try await FederationHarness.withFederation { h in
            let sh = h.federation.shanghai
            let qr = try sh.issueCode(for: "green-clear")
            #expect(try await h.verify(qr).json["freshness"] as? String == "live")
            #expect(try await h.verify(qr).json["freshness"] as? String == "cached")
            let deliveries = try await sh.setStatus("green-clear", status: "red", reasonCodes: ["SH-CONTACT"])
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.lastStatus == 204)
            let after = try await h.verify(qr)
            #expect(after.json["status"] as? String == "red")
        }
    }

    @Test("Beijing unavailable: stale within the stale limit (not admitting), then 503 without a cache entry")
    func staleWhenUnavailable() async throws {
        try await FederationHarness.withFederation(overrides: ["beijing": ["freshnessSeconds": "0", "staleLimitSeconds": "600"]]) { h in
            let bj = h.federation.beijing
            let qr = try bj.issueCode(for: "green")
            let live = try await h.verify(qr)
            #expect(live.json["freshness"] as? String == "live")
            #expect(live.json["admits"] as? Bool == true)
            h.clock.advance(by: 1)  // the gateway's time: the entry is past its budget of 0 s, within its stale limit
            bj.faults.set(.proxyError(status: 502))
            let stale = try await h.verify(qr)
            #expect(stale.status == 200)
            #expect(stale.json["status"] as? String == "green")
            #expect(stale.json["freshness"] as? String == "stale")
            #expect(stale.json["admits"] as? Bool == false)
            let other = try bj.issueCode(for: "yellow-popup1")
            let unavailable = try await h.verify(other)
            #expect(unavailable.status == 503)
            #expect(unavailable.json["type"] as? String == "issuer-unavailable")
            bj.faults.clear()
        }
    }

    @Test("Shanghai busy: one retry; still busy: signature-only from the token, not admitting")
    func signatureOnly() async throws {
        try await FederationHarness.withFederation { h in
            let sh = h.federation.shanghai
            sh.faults.once(.busy)
            let retried = try await h.verify(try sh.issueCode(for: "yellow-keyarea"))
            #expect(retried.status == 200)
            #expect(retried.json["freshness"] as? String == "live")
            sh.faults.set(.busy)
            let degraded = try await h.verify(try sh.issueCode(for: "green-none"))
            #expect(degraded.status == 200)
            #expect(degraded.json["status"] as? String == "green")
            #expect(degraded.json["freshness"] as? String == "signature-only")
            #expect(degraded.json["admits"] as? Bool == false)
            sh.faults.clear()
            let entries = try await h.auditEntries()
            #expect(entries.first?.record.upstreamAttempts == 2)
        }
    }

    @Test("Hangzhou SYSTEM_BUSY once is retried after at least 200 ms")
    func busyRetry() async throws {
        try await FederationHarness.withFederation { h in
            h.federation.hangzhou.faults.once(.busy)
            let answer = try await h.verify(try h.federation.hangzhou.issueCode(for: "yellow-R11"))
            #expect(answer.status == 200)
            #expect(answer.json["status"] as? String == "yellow")
        }
    }
}
