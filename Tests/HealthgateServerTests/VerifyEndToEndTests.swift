import Crypto
import Foundation
import HealthgateConfig
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// A Shanghai checkpoint verifies codes of all three cities through the real gateway (mutual TLS in, libcurl out,
/// SQLite audit and cache) against the simulated cities.
@Suite("verify end to end", .serialized)
struct VerifyEndToEndTests {
    @Test("Hangzhou: green, yellow, red, pending, not found, expired")
    func hangzhou() async throws {
        try await FederationHarness.withFederation { h in
            let hz = h.federation.hangzhou
            let cases: [(String, String)] = [("green-R00", "green"), ("yellow-R12", "yellow"), ("red-R21", "red"),
                                             ("init", "pending")]
            for (holder, status) in cases {
                let answer = try await h.verify(try hz.issueCode(for: holder))
                #expect(answer.status == 200, "\(holder)")
                #expect(answer.json["status"] as? String == status, "\(holder)")
                #expect(answer.json["issuer"] as? String == "330100")
                #expect(answer.json["freshness"] as? String == "live")
                #expect(answer.json["admits"] as? Bool == (status == "green"))
                #expect((answer.json["holder"] as? String)?.hasPrefix("hg1:") == true)
                // The Shanghai checkpoint also gets Suishenma's own vocabulary.
                let local = answer.json["local"] as? [String: Any]
                #expect(local?["region"] as? String == "310000")
                #expect(local?["healthStatus"] as? Int == ["green": 0, "yellow": 1, "red": 2, "pending": 9][status])
                // Location data Hangzhou adds never leaves the gateway.
                #expect(answer.json["travel_history"] == nil && answer.json["trip_cities"] == nil)
            }
            let yellow = try await h.verify(try hz.issueCode(for: "yellow-R12"))
            let reasons = yellow.json["reasons"] as? [[String: Any]]
            #expect(reasons?.first?["code"] as? String == "key-area-travel")
            #expect(reasons?.first?["native"] as? String == "R12")

            let notFound = try await h.verify("HZHC2:7777777777777777777777777A")
            #expect(notFound.status == 404)
            #expect(notFound.json["type"] as? String == "code-not-found")

            let expiredToken = "EXP0000000000000000000000A"
            try hz.registerToken(expiredToken, for: "green-R00", refreshTime: Date().addingTimeInterval(-400))
            let expired = try await h.verify("HZHC2:" + expiredToken)
            #expect(expired.status == 410)
            #expect(expired.json["type"] as? String == "code-expired")
        }
    }

    @Test("Shanghai: green, yellow, red, unknown, forged, expired, not found")
    func shanghai() async throws {
        try await FederationHarness.withFederation { h in
            let sh = h.federation.shanghai
            let cases: [(String, String)] = [("green-clear", "green"), ("yellow-keyarea", "yellow"),
                                             ("red-suspected", "red"), ("not-enrolled", "unknown")]
            for (holder, status) in cases {
                let answer = try await h.verify(try sh.issueCode(for: holder))
                #expect(answer.status == 200, "\(holder)")
                #expect(answer.json["status"] as? String == status, "\(holder)")
                #expect(answer.json["issuer"] as? String == "310000")
            }
            // Forged: signed by a key Shanghai never published, under the published kid.
            let rogue = ShanghaiSigningKey(privateKey: P256.Signing.PrivateKey(), kid: sh.signingKey.kid, notBefore: sh.signingKey.notBefore,
                                           expires: sh.signingKey.expires)
            let now = Int64(Date().timeIntervalSince1970)
            let forged = try await h.verify(rogue.sign(sid: "a3f9c2e17b4d5086", status: 0, issuedAt: now))
            #expect(forged.status == 422)
            #expect(forged.json["type"] as? String == "code-forged")
            // Expired: issued two hours ago (valid one hour).
            let expired = try await h.verify(sh.signingKey.sign(sid: "a3f9c2e17b4d5086", status: 1, issuedAt: now - 7200))
            #expect(expired.status == 410)
            #expect(expired.json["type"] as? String == "code-expired")
            // Not found: a well-signed token for a sid Shanghai does not know.
            let unknown = try await h.verify(sh.signingKey.sign(sid: "0123456789abcdef", status: 0, issuedAt: now))
            #expect(unknown.status == 404)
            #expect(unknown.json["type"] as? String == "code-not-found")
        }
    }

    @Test("Beijing: green, yellow, red, pending, unknown, expired, not found")
    func beijing() async throws {
        try await FederationHarness.withFederation { h in
            let bj = h.federation.beijing
            let cases: [(String, String)] = [("green", "green"), ("yellow-popup1", "yellow"), ("red-popup3", "red"),
                                             ("verifying", "pending"), ("no-record", "unknown"),
                                             ("older-node-yellow", "yellow")]
            for (holder, status) in cases {
                let answer = try await h.verify(try bj.issueCode(for: holder))
                #expect(answer.status == 200, "\(holder)")
                #expect(answer.json["status"] as? String == status, "\(holder)")
                #expect(answer.json["issuer"] as? String == "110000")
            }
            let expired = try await h.verify(try bj.issueCode(for: "green", generatedAt: Date().addingTimeInterval(-700)))
            #expect(expired.status == 410)
            #expect(expired.json["type"] as? String == "code-expired")
            let generated = try #require(try bj.issueCode(for: "green").split(separator: "|").dropFirst(2).first)
            let notFound = try await h.verify("BJJXXZ|99999999999999999999|\(generated)|00000000")
            #expect(notFound.status == 404)
            #expect(notFound.json["type"] as? String == "code-not-found")
        }
    }

    @Test("malformed and unknown codes, bad scene, oversized body: problem+json, audited")
    func refusals() async throws {
        try await FederationHarness.withFederation { h in
            let unknown = try await h.verify("hello world")
            #expect(unknown.status == 400)
            #expect(unknown.json["type"] as? String == "unknown-issuer")
            let badScene = try await h.verify("HZHC2:7777777777777777777777777A", scene: "disco")
            #expect(badScene.status == 400)
            #expect(badScene.json["type"] as? String == "bad-request")
            let big = String(repeating: "A", count: 20_000)
            let tooLarge = try await h.post("/v1/verify", json: "{\"qr\":\"\(big)\",\"scene\":\"retail\"}", as: h.checkpoint)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.headers["Content-Type"] == "application/problem+json")
            let problem = try JSONSerialization.jsonObject(with: Data(tooLarge.body)) as? [String: Any]
            #expect(problem?["type"] as? String == "payload-too-large")
            #expect(problem?["status"] as? Int == 413)
            #expect(problem?["title"] != nil && problem?["detail"] != nil)
            let entries = try await h.auditEntries()
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { $0.record.route == "POST /v1/verify" })
            #expect(entries.allSatisfy { $0.record.caller.subject.contains("checkpoint-310000-01") })
        }
    }
}
