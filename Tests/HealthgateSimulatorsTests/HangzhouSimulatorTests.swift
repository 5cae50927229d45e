import Crypto
import Foundation
import HealthgatePKI
import HealthgateSimulators
import Testing

/// Hangzhou as hangzhou.md describes it, over real mutual TLS on 127.0.0.1.
@Suite struct HangzhouSimulatorTests {
    typealias Run = @Sendable (HangzhouSimulator, URL, CurlClient, TestPKI) async throws -> Void

    func withHangzhou(
        clock: SimulatorClock = SimulatorClock(), notificationSender: (@Sendable (TestPKI) -> (any NotificationSender)?)? = nil,
        _ body: Run
    ) async throws {
        try await TestPKI.with { pki in
            let simulator = HangzhouSimulator(
                clock: clock, notificationSender: notificationSender?(pki), notificationRetryDelay: .milliseconds(10))
            try await simulator.withRunningServer(tls: pki.tls(.hangzhou)) { url in
                try await body(simulator, url, pki.gateway("310000", calling: .hangzhou), pki)
            }
        }
    }

    static let headers = ["X-HZ-Request-Id": "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d"]

    static func verifyBody(_ qr: String, city: String = "310000", industry: String = "transport") -> [String: Any] {
        ["city_code": city, "code_content": qr, "industry_type": industry, "request_time": "2020-03-02 08:15:00"]
    }

    @Test func verifiesEverySeededHolderWithTheDocumentedFields() async throws {
        try await withHangzhou { simulator, url, client, _ in
            let colours = Set(simulator.holders.map(\.color))
            #expect(colours == ["green", "yellow", "red", "init"])
            let reasons = Set(simulator.holders.compactMap(\.reason))
            #expect(reasons.isSuperset(of: ["R00", "R11", "R12", "R13", "R14", "R21", "R22", "R90"]))
            for holder in simulator.holders {
                let qr = try simulator.issueCode(for: holder.handle)
                #expect(qr.hasPrefix("HZHC2:") && qr.count == 32)
                let answer = try await client.postJSON(
                    url.path("/open/healthcode/v2/verify"), Self.verifyBody(qr), headers: Self.headers)
                #expect(answer.status == 200)
                #expect(answer.header("Content-Type") == "application/json; charset=utf-8")
                let json = try #require(answer.json)
                #expect(json["result_code"] as? String == "SUCCESS")
                #expect(json["result_msg"] as? String == "成功")
                let data = try #require(json["data"] as? [String: Any])
                #expect(data["code_color"] as? String == holder.color)
                #expect(data["holder_ref"] as? String == holder.holderRef(forRegion: "310000"))
                #expect((data["holder_ref"] as? String)?.count == 32)
                #expect(data["user_name"] as? String == holder.maskedName)
                #expect((data["id_no_masked"] as? String)?.contains("********") == true)
                #expect(data["color_reason"] as? String == holder.reason)
                #expect(data["id_no_sha256"] == nil)
                #expect(data["travel_history"] is [Any])
                #expect(data["trip_cities"] is [Any])
                #expect(data["app_channel"] != nil, "Hangzhou adds fields without notice")
                let refresh = try #require(data["refresh_time"] as? String)
                #expect(LocalTime.parseDashed(refresh) != nil)
                #expect(data.keys.contains("quarantine_until"))
            }
        }
    }

    @Test func holderRefIsScopedToTheCallerRegion() async throws {
        try await withHangzhou { simulator, url, _, pki in
            let qr = try simulator.issueCode(for: "yellow-R12")
            let beijingGateway = pki.gateway("110000", calling: .hangzhou)
            let answer = try await beijingGateway.postJSON(
                url.path("/open/healthcode/v2/verify"), Self.verifyBody(qr, city: "110000"), headers: Self.headers)
            let data = try #require(answer.json?["data"] as? [String: Any])
            let holder = try #require(simulator.holder("yellow-R12"))
            #expect(data["holder_ref"] as? String == holder.holderRef(forRegion: "110000"))
            #expect(holder.holderRef(forRegion: "110000") != holder.holderRef(forRegion: "310000"))
        }
    }

    @Test func transferVerifyCarriesTheDocumentedIDDigest() async throws {
        try await withHangzhou { simulator, url, client, _ in
            // The document's vector: ID 33010619900101123X with HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F.
            var person = try #require(simulator.holder("green-R00"))
            person = HangzhouHolder(
                handle: "vector", baseRef: String(repeating: "ab", count: 16), idNumber: TestIDs.hangzhouExample,
                maskedName: "刘*", color: "yellow", reason: "R12", colorTime: person.colorTime,
                quarantineUntil: "2020-03-08", travelHistory: [], tripCities: [])
            simulator.add(person)
            try simulator.registerToken("01HV8Q6M3T9B5K2X7R4N0C8D1G", for: "vector", refreshTime: Date())
            let qr = "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1G"
            let answer = try await client.postJSON(
                url.path("/open/healthcode/v2/verify"), Self.verifyBody(qr, industry: "transfer"), headers: Self.headers)
            let data = try #require(answer.json?["data"] as? [String: Any])
            let expected = SHA256.hash(data: Array("\(TestIDs.hangzhouExample)|\(qr)".utf8))
                .map { String(format: "%02x", $0) }.joined()
            #expect(data["id_no_sha256"] as? String == expected)
            #expect(data["id_no_masked"] as? String == "330106********123X")
        }
    }

    @Test func theDocumentsExampleTokenAnswersAtItsTime() async throws {
        let clock = SimulatorClock()
        clock.set(LocalTime.parseDashed("2020-03-02 08:15:00"))
        try await withHangzhou(clock: clock) { simulator, url, client, _ in
            let answer = try await client.postJSON(
                url.path("/open/healthcode/v2/verify"), Self.verifyBody("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F"),
                headers: Self.headers)
            let data = try #require(answer.json?["data"] as? [String: Any])
            #expect(data["code_color"] as? String == "yellow")
            #expect(data["color_reason"] as? String == "R12")
            #expect(data["refresh_time"] as? String == "2020-03-02 08:14:31")
            #expect(data["user_name"] as? String == "刘*")
        }
    }

    @Test func tokensExpire300SecondsAfterRefreshTime() async throws {
        let clock = SimulatorClock()
        clock.set(Date(timeIntervalSince1970: 1_583_108_000))
        try await withHangzhou(clock: clock) { simulator, url, client, _ in
            let qr = try simulator.issueCode(for: "green-R00")
            clock.advance(by: 300)
            var answer = try await client.postJSON(url.path("/open/healthcode/v2/verify"), Self.verifyBody(qr), headers: Self.headers)
            #expect(answer.json?["result_code"] as? String == "SUCCESS")
            clock.advance(by: 1)
            answer = try await client.postJSON(url.path("/open/healthcode/v2/verify"), Self.verifyBody(qr), headers: Self.headers)
            #expect(answer.status == 200)
            #expect(answer.json?["result_code"] as? String == "CODE_EXPIRED")
            #expect(answer.json?["data"] == nil)
        }
    }

    @Test func businessErrorsComeInHTTP200() async throws {
        try await withHangzhou { simulator, url, client, pki in
            let verify = url.path("/open/healthcode/v2/verify")
            let qr = try simulator.issueCode(for: "green-R00")
            func code(_ answer: CurlClient.Answer) -> String? {
                #expect(answer.status == 200)
                return answer.json?["result_code"] as? String
            }
            // Unknown token.
            #expect(code(try await client.postJSON(verify, Self.verifyBody("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1Z"), headers: Self.headers)) == "CODE_NOT_FOUND")
            // No X-HZ-Request-Id.
            #expect(code(try await client.postJSON(verify, Self.verifyBody(qr))) == "INVALID_PARAM")
            // Not JSON.
            let notJSON = try await client.send(
                "POST", verify, headers: Self.headers.merging(["Content-Type": "application/json; charset=utf-8"]) { a, _ in a },
                body: Array("city_code=310000".utf8))
            #expect(code(notJSON) == "INVALID_PARAM")
            // Unknown industry type, malformed code.
            #expect(code(try await client.postJSON(verify, Self.verifyBody(qr, industry: "casino"), headers: Self.headers)) == "INVALID_PARAM")
            #expect(code(try await client.postJSON(verify, Self.verifyBody(qr.lowercased()), headers: Self.headers)) == "INVALID_PARAM")
            // city_code differs from the certificate's region; a certificate that is not a gateway's.
            #expect(code(try await client.postJSON(verify, Self.verifyBody(qr, city: "110000"), headers: Self.headers)) == "NO_PERMISSION")
            let notifier = pki.nonGateway(calling: .hangzhou)
            #expect(code(try await notifier.postJSON(verify, Self.verifyBody(qr), headers: Self.headers)) == "NO_PERMISSION")
            // Busy once, then normal again.
            simulator.faults.once(.busy)
            let busy = try await client.postJSON(verify, Self.verifyBody(qr), headers: Self.headers)
            #expect(busy.text == #"{"result_code":"SYSTEM_BUSY","result_msg":"系统繁忙"}"#)
            #expect(code(try await client.postJSON(verify, Self.verifyBody(qr), headers: Self.headers)) == "SUCCESS")
        }
    }

    @Test func aClientCertificateFromAnotherCAIsRefusedAtTheHandshake() async throws {
        try await withHangzhou { simulator, url, _, pki in
            let stranger = pki.stranger(calling: .hangzhou, issuedBy: .shanghai)
            let answer = try await stranger.postJSON(
                url.path("/open/healthcode/v2/verify"), Self.verifyBody(try simulator.issueCode(for: "green-R00")),
                headers: Self.headers)
            #expect(answer.exitCode != 0)
            #expect(answer.status == 0)
        }
    }

    static func transferBody(requestID: String, id: String = TestIDs.hangzhouExample, color: String = "yellow") -> [String: Any] {
        [
            "request_id": requestID, "id_no": id, "user_name": "刘明", "origin_city_code": "310000",
            "origin_color": color, "origin_reason": "R12", "origin_quarantine_until": "2020-03-08",
            "arrival_time": "2020-03-02 09:00:00",
        ]
    }

    @Test func transferInDecidesAndIsIdempotentOnRequestID() async throws {
        try await withHangzhou { simulator, url, client, _ in
            let endpoint = url.path("/open/healthcode/v2/transfer_in")
            let first = try await client.postJSON(endpoint, Self.transferBody(requestID: "r-1"), headers: Self.headers)
            #expect(first.status == 200)
            #expect(first.json?["result_code"] as? String == "SUCCESS")
            let data = try #require(first.json?["data"] as? [String: Any])
            #expect(data["code_color"] as? String == "yellow")
            #expect(data["quarantine_until"] as? String == "2020-03-09")
            #expect((data["holder_ref"] as? String)?.count == 32)
            // Same request_id, another body: the first answer.
            let again = try await client.postJSON(
                endpoint, Self.transferBody(requestID: "r-1", color: "green"), headers: Self.headers)
            #expect(again.text == first.text)
            // The arrival is now a holder of Hangzhou, yellow.
            let arrived = try #require(simulator.holders.first { $0.idNumber == TestIDs.hangzhouExample })
            #expect(arrived.color == "yellow")
            // A bad ID number.
            let bad = try await client.postJSON(
                endpoint, Self.transferBody(requestID: "r-2", id: "330106199001011230"), headers: Self.headers)
            #expect(bad.json?["result_code"] as? String == "INVALID_PARAM")
            // A lenient Hangzhou gives green (for the gateway's policy-conflict tests).
            simulator.arrivalPolicy = .lenient
            let lenient = try await client.postJSON(
                endpoint, Self.transferBody(requestID: "r-3", color: "red"), headers: Self.headers)
            #expect((lenient.json?["data"] as? [String: Any])?["code_color"] as? String == "green")
        }
    }

    @Test func colourChangeNotifiesTheSubscriberWithRetries() async throws {
        try await TestPKI.with { pki in
            let receiver = NotificationReceiver(successStatus: 200, successBody: #"{"result_code":"SUCCESS"}"#, failFirst: 2)
            try await receiver.withRunningServer(tls: NotificationReceiver.tls(pki, from: .hangzhou)) { receiverURL in
                let simulator = HangzhouSimulator(
                    notificationSender: pki.tls(.hangzhou).notificationSender(), notificationRetryDelay: .milliseconds(10))
                simulator.notifier.subscribe(.init(url: receiverURL.path("/notify"), region: "310000"))
                let deliveries = try await simulator.setStatus("green-R00", color: "red", reason: "R21")
                #expect(deliveries.count == 1)
                #expect(deliveries.first?.delivered == true)
                #expect(deliveries.first?.attempts == 3)
                let body = try #require(receiver.bodies.last)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                let holder = try #require(simulator.holder("green-R00"))
                #expect(json["notify_type"] as? String == "COLOR_CHANGED")
                #expect(json["city_code"] as? String == "310000")
                #expect(json["holder_ref"] as? String == holder.holderRef(forRegion: "310000"))
                #expect(json["code_color"] as? String == "red")
                #expect(json["color_time"] as? String == LocalTime.dashed(holder.colorTime))
                #expect(receiver.callers.allSatisfy { $0 == "hangzhou-notifier" })
            }
        }
    }

    @Test func aReceiverThatNeverSaysSuccessGetsFiveRetries() async throws {
        try await TestPKI.with { pki in
            // 200 without {"result_code":"SUCCESS"} is not an acknowledgement.
            let receiver = NotificationReceiver(successStatus: 200, successBody: "{}")
            try await receiver.withRunningServer(tls: NotificationReceiver.tls(pki, from: .hangzhou)) { receiverURL in
                let simulator = HangzhouSimulator(
                    notificationSender: pki.tls(.hangzhou).notificationSender(), notificationRetryDelay: .milliseconds(5))
                simulator.notifier.subscribe(.init(url: receiverURL.path("/notify"), region: "310000"))
                let deliveries = try await simulator.setStatus("yellow-R12", color: "green")
                #expect(deliveries.first?.delivered == false)
                #expect(deliveries.first?.attempts == 6)
                #expect(receiver.bodies.count == 6)
            }
        }
    }
}
