import Crypto
import Foundation
import HealthgatePKI
import HealthgateSimulators
import Testing

/// Shanghai as shanghai.md describes it, over real mutual TLS on 127.0.0.1.
@Suite struct ShanghaiSimulatorTests {
    typealias Run = @Sendable (ShanghaiSimulator, URL, CurlClient, TestPKI) async throws -> Void

    func withShanghai(_ body: Run) async throws {
        try await TestPKI.with { pki in
            let simulator = ShanghaiSimulator()
            try await simulator.withRunningServer(tls: pki.tls(.shanghai)) { url in
                try await body(simulator, url, pki.gateway("330100", calling: .shanghai), pki)
            }
        }
    }

    static let headers = ["X-SSM-Caller": "330100", "X-SSM-Request-Id": "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d"]

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }

    @Test func keysAreTheJWKSetOfTheSigningKey() async throws {
        try await withShanghai { _, url, client, _ in
            let answer = try await client.send("GET", url.path("/sssm/v1/keys"))
            #expect(answer.status == 200)
            let keys = try #require(answer.json?["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            // The published test vector's JWK.
            #expect(keys[0]["kid"] as? String == "ssm-test-1")
            #expect(keys[0]["kty"] as? String == "EC")
            #expect(keys[0]["crv"] as? String == "P-256")
            #expect(keys[0]["x"] as? String == "ZYJOMEZvitmZvnjQC36c9LCX14B5t_ctziRPBMX3uw8")
            #expect(keys[0]["y"] as? String == "_Gg5ZY2zSuf3fUksxrZkyhzTKeuwoYM96oLEVJRRuYo")
            #expect(keys[0]["nbf"] as? Int == 1_577_808_000)
            #expect(keys[0]["exp"] as? Int == 1_924_905_600)
        }
    }

    @Test func issuedTokensAreSignedAsDocumented() async throws {
        let simulator = ShanghaiSimulator()
        let holder = try #require(simulator.holder("yellow-keyarea"))
        let qr = try simulator.issueCode(for: holder.handle)
        let parts = qr.split(separator: ".").map(String.init)
        #expect(parts.count == 3 && parts[0] == "SSM1")
        let claimBytes = try #require(Self.base64URLDecode(parts[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any])
        #expect(claims["v"] as? Int == 1)
        #expect(claims["sid"] as? String == "a3f9c2e17b4d5086")
        #expect(claims["st"] as? Int == 1)
        #expect(claims["kid"] as? String == "ssm-test-1")
        let iat = try #require(claims["iat"] as? Int)
        #expect(claims["exp"] as? Int == iat + 3600)
        let signature = try #require(Self.base64URLDecode(parts[2]))
        #expect(signature.count == 64)
        let x = try #require(Self.base64URLDecode("ZYJOMEZvitmZvnjQC36c9LCX14B5t_ctziRPBMX3uw8"))
        let y = try #require(Self.base64URLDecode("_Gg5ZY2zSuf3fUksxrZkyhzTKeuwoYM96oLEVJRRuYo"))
        let key = try P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(key.isValidSignature(ecdsa, for: Array("SSM1.\(parts[1])".utf8)))
    }

    @Test func statusOfEverySeededHolder() async throws {
        try await withShanghai { simulator, url, client, _ in
            #expect(Set(simulator.holders.map(\.healthStatus)) == [0, 1, 2, 9])
            #expect(Set(simulator.holders.flatMap(\.reasonCodes)) == ShanghaiSimulator.reasonCodes)
            for holder in simulator.holders {
                let answer = try await client.send(
                    "GET", url.path("/sssm/v1/holders/\(holder.sid)/status"), headers: Self.headers)
                #expect(answer.status == 200)
                let json = try #require(answer.json)
                #expect(json["code"] as? Int == 0)
                #expect(json["msg"] as? String == "success")
                let data = try #require(json["data"] as? [String: Any])
                #expect(data["sid"] as? String == holder.sid)
                #expect(data["healthStatus"] as? Int == holder.healthStatus)
                #expect((data["statusTime"] as? Int).map { $0 > 1_000_000_000_000 } == true, "milliseconds")
                #expect(data["maskedName"] as? String == holder.maskedName)
                #expect(data["reasonCodes"] as? [String] == holder.reasonCodes)
                #expect(data.keys.contains("observeEndTime"))
                #expect(data["idDigest"] == nil)
            }
        }
    }

    @Test func idDigestOnlyForTransfer() async throws {
        try await withShanghai { simulator, url, client, _ in
            let holder = try #require(simulator.holder("yellow-keyarea"))
            let answer = try await client.send(
                "GET", url.path("/sssm/v1/holders/\(holder.sid)/status?purpose=transfer"), headers: Self.headers)
            let data = try #require(answer.json?["data"] as? [String: Any])
            let expected = SHA256.hash(data: Array("\(holder.idNumber.uppercased())|\(holder.sid)".utf8))
                .map { String(format: "%02x", $0) }.joined()
            #expect(data["idDigest"] as? String == expected)
        }
    }

    @Test func errorsCarryRealHTTPStatuses() async throws {
        try await withShanghai { simulator, url, client, pki in
            let sid = try #require(simulator.holder("green-clear")).sid
            let status = url.path("/sssm/v1/holders/\(sid)/status")
            func check(_ answer: CurlClient.Answer, _ http: Int, _ code: Int) {
                #expect(answer.status == http)
                #expect(answer.json?["code"] as? Int == code)
            }
            check(try await client.send("GET", status), 400, 40001)
            check(try await client.send("GET", status, headers: ["X-SSM-Caller": "330100"]), 400, 40001)
            check(try await client.send("GET", status, headers: Self.headers.merging(["X-SSM-Caller": "110000"]) { _, b in b }), 403, 40301)
            check(try await pki.nonGateway(calling: .shanghai).send("GET", status, headers: Self.headers), 403, 40301)
            check(try await client.send("GET", url.path("/sssm/v1/holders/0000000000000000/status"), headers: Self.headers), 404, 40401)
            check(try await client.send("GET", url.path("/sssm/v1/holders/XYZ/status"), headers: Self.headers), 400, 40001)
            simulator.faults.once(.rateLimited(retryAfterSeconds: 3))
            let limited = try await client.send("GET", status, headers: Self.headers)
            check(limited, 429, 42901)
            #expect(limited.header("Retry-After") == "3")
            simulator.faults.once(.busy)
            check(try await client.send("GET", status, headers: Self.headers), 503, 50301)
            check(try await client.send("GET", status, headers: Self.headers), 200, 0)
        }
    }

    static func arrival(_ requestID: String, id: String = TestIDs.hangzhouExample, status: Int = 1) -> [String: Any] {
        [
            "requestId": requestID, "idNumber": id, "name": "刘明", "fromRegion": "330100", "fromStatus": status,
            "fromReasonCodes": ["SH-KEYAREA-ARRIVAL"], "fromObserveEndTime": 1_583_683_199_000,
            "arrivalTime": 1_583_110_800_000,
        ]
    }

    @Test func arrivalsAreIdempotentAndConflictOnADifferentBody() async throws {
        try await withShanghai { simulator, url, client, _ in
            let endpoint = url.path("/sssm/v1/arrivals")
            let first = try await client.postJSON(endpoint, Self.arrival("a-1"), headers: Self.headers)
            #expect(first.status == 201)
            let data = try #require(first.json?["data"] as? [String: Any])
            #expect(data["healthStatus"] as? Int == 1)
            #expect((data["sid"] as? String)?.count == 16)
            // At least 7 days from arrival (2020-03-02): the end of 2020-03-09 local.
            #expect(data["observeEndTime"] as? Int == 1_583_769_599_999)
            let replay = try await client.postJSON(endpoint, Self.arrival("a-1"), headers: Self.headers)
            #expect(replay.status == 200)
            #expect((replay.json?["data"] as? [String: Any])?["sid"] as? String == data["sid"] as? String)
            let conflict = try await client.postJSON(endpoint, Self.arrival("a-1", status: 2), headers: Self.headers)
            #expect(conflict.status == 409)
            #expect(conflict.json?["code"] as? Int == 40901)
            let bad = try await client.postJSON(endpoint, Self.arrival("a-2", id: "330106199001011230"), headers: Self.headers)
            #expect(bad.status == 400)
            #expect(simulator.holders.contains { $0.idNumber == TestIDs.hangzhouExample && $0.healthStatus == 1 })
        }
    }

    @Test func statusChangeNotifiesWithStatusChangedUntil204() async throws {
        try await TestPKI.with { pki in
            let receiver = NotificationReceiver(successStatus: 204, successBody: "", failFirst: 1)
            try await receiver.withRunningServer(tls: NotificationReceiver.tls(pki, from: .shanghai)) { receiverURL in
                let simulator = ShanghaiSimulator(
                    notificationSender: pki.tls(.shanghai).notificationSender(), notificationRetryDelay: .milliseconds(10))
                simulator.notifier.subscribe(.init(url: receiverURL.path("/notify"), region: "330100"))
                let deliveries = try await simulator.setStatus("yellow-keyarea", status: "red", reasonCodes: ["SH-CONFIRMED"])
                #expect(deliveries.first?.delivered == true)
                #expect(deliveries.first?.attempts == 2)
                let last = try #require(receiver.bodies.last)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
                #expect(json["event"] as? String == "status.changed")
                #expect(json["sid"] as? String == "a3f9c2e17b4d5086")
                #expect(json["healthStatus"] as? Int == 2)
                #expect(json["statusTime"] is Int)
                #expect(receiver.callers.allSatisfy { $0 == "shanghai-notifier" })
            }
        }
    }
}
