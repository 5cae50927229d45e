import Foundation
import HealthgatePKI
import HealthgateSimulators
import Testing

/// A copy of Hangzhou's platform connected by configuration alone: the Shanghai gateway federates Hangzhou and a
/// simulated Wenzhou (330300, `WZHC2:`) side by side, each recognised by its own prefix, over the real gateway.
@Suite("Hangzhou-style city end to end", .serialized)
struct HangzhouStyleCityEndToEndTests {
    @Test("a Wenzhou code goes to Wenzhou, a Hangzhou code to Hangzhou; each answers with its own region")
    func twoHangzhouStyleCities() async throws {
        try await FederationHarness.withFederation(copies: [.wenzhou]) { h in
            let wenzhou = try #require(h.cities.copies["wenzhou"])
            let hangzhou = h.federation.hangzhou

            let wzCode = try wenzhou.issueCode(for: "yellow-R12")
            #expect(wzCode.hasPrefix("WZHC2:") && wzCode.count == 32)
            let wz = try await h.verify(wzCode)
            #expect(wz.status == 200)
            #expect(wz.json["issuer"] as? String == "330300")
            #expect(wz.json["status"] as? String == "yellow")
            #expect((wz.json["reasons"] as? [[String: Any]])?.first?["native"] as? String == "R12")
            #expect((wz.json["local"] as? [String: Any])?["region"] as? String == "310000")

            let hz = try await h.verify(try hangzhou.issueCode(for: "yellow-R12"))
            #expect(hz.status == 200)
            #expect(hz.json["issuer"] as? String == "330100")
            // The same person seen through two cities is two holders (pseudonyms are per issuer).
            #expect(hz.json["holder"] as? String != wz.json["holder"] as? String)

            // A Wenzhou token behind Hangzhou's prefix is Hangzhou's to answer, and Hangzhou never issued it.
            let token = String(wzCode.dropFirst("WZHC2:".count))
            let misrouted = try await h.verify("HZHC2:" + token)
            #expect(misrouted.status == 404)
            #expect(misrouted.json["type"] as? String == "code-not-found")

            // A prefix nobody configured is nobody's code.
            let unknown = try await h.verify("NBHC2:" + token)
            #expect(unknown.json["type"] as? String == "unknown-issuer")
        }
    }

    @Test("Wenzhou's COLOR_CHANGED at /notifications/wenzhou drops the cached answer of its holder only")
    func wenzhouNotification() async throws {
        try await FederationHarness.withFederation(copies: [.wenzhou]) { h in
            let wenzhou = try #require(h.cities.copies["wenzhou"])
            let wzCode = try wenzhou.issueCode(for: "green-R00")
            let hzCode = try h.federation.hangzhou.issueCode(for: "green-R00")
            #expect(try await h.verify(wzCode).json["freshness"] as? String == "live")
            #expect(try await h.verify(hzCode).json["freshness"] as? String == "live")
            #expect(try await h.verify(wzCode).json["freshness"] as? String == "cached")

            let deliveries = try await wenzhou.setStatus("green-R00", color: "red", reason: "R21")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.subscription.url.path == "/notifications/wenzhou")

            let after = try await h.verify(wzCode)
            #expect(after.json["status"] as? String == "red")
            #expect(after.json["freshness"] as? String == "live")
            // Hangzhou's holder of the same seed is another person for the gateway: still cached green.
            let other = try await h.verify(hzCode)
            #expect(other.json["status"] as? String == "green")
            #expect(other.json["freshness"] as? String == "cached")
        }
    }

    @Test("inspect --config recognises each Hangzhou-style city by its own prefix",
          .enabled(if: GatewayExecutable.url != nil, "needs the built healthgate executable: run `swift build` first"))
    func inspect() async throws {
        let executable = try #require(GatewayExecutable.url)
        let cities = try await CityFederation.start(copies: [.wenzhou])
        defer { Task { await cities.stop() } }
        let wenzhou = try #require(cities.copies["wenzhou"])
        let code = try wenzhou.issueCode(for: "green-R00")
        let known = try await ChildProcess.run(executable, ["inspect", "--config", cities.configPath, code])
        #expect(known.status == 0, "\(known.output)")
        #expect(known.output.contains(#""issuer":"330300""#) && known.output.contains(#""city":"wenzhou""#), "\(known.output)")
        let hangzhou = try await ChildProcess.run(
            executable, ["inspect", "--config", cities.configPath, try cities.federation.hangzhou.issueCode(for: "green-R00")])
        #expect(hangzhou.output.contains(#""issuer":"330100""#), "\(hangzhou.output)")
        // Without the configuration, a Wenzhou code is nobody's.
        let unconfigured = try await ChildProcess.run(executable, ["inspect", "--config", "/nonexistent.yaml", code])
        #expect(unconfigured.status == 1)
        #expect(unconfigured.output.contains("unknown-issuer"))
    }
}
