import Foundation
import HealthgateModel
import HealthgatePKI
import HealthgateSimulators
import HealthgateTransport
import Testing

/// What the traveller is told, through the real Shanghai gateway (mutual TLS, libcurl, SQLite) against the simulated
/// cities: `explanation` on checkpoint and peer verify answers and on transfers, in the language `Accept-Language`
/// asks for, naming the issuing city's support contact only when the configuration has one.
@Suite("explanations end to end", .serialized)
struct ExplanationEndToEndTests {
    /// Hangzhou's support contact as the tests configure it (a placeholder page, not a real service).
    static let hangzhouSupport = ["hangzhou": ["support": #"{phone: "12345", url: "https://hangzhou.example/health-code"}"#]]

    @Test("a Shanghai checkpoint verifying a yellow Hangzhou code: Chinese by default, English on request, whom to call")
    func checkpoint() async throws {
        try await FederationHarness.withFederation(overrides: Self.hangzhouSupport) { h in
            let hz = h.federation.hangzhou
            let holder = try #require(hz.holder("yellow-R12"))
            let qr = try hz.issueCode(for: holder.handle)

            let chinese = try await h.verify(qr, language: nil)
            #expect(chinese.status == 200)
            let end = try #require((chinese.json["observationEnds"] as? String).flatMap(LocalDate.init))
            let thisYear = LocalDate(containing: Date()).year
            let zhDate = ExplanationLanguage.chinese.words.date(end, thisYear: thisYear)
            let told = try #require(chinese.json["explanation"] as? [String: Any])
            #expect(told["lang"] as? String == "zh-CN")
            #expect(told["text"] as? String == "黄码：近14天有重点地区旅居史，观察期至\(zhDate)（含）。")
            #expect(told["status"] as? String == "黄码")
            #expect(told["reasons"] as? [String] == ["近14天有重点地区旅居史"])
            #expect(told["observationEnds"] as? String == zhDate)
            #expect(told["whatNext"] as? String
                == "如认为颜色有误，请联系杭州健康码服务：电话 12345，网址 https://hangzhou.example/health-code。")
            #expect(chinese.headers["Content-Language"] == "zh-CN")
            #expect(chinese.headers["Vary"] == "Accept-Language")
            // The canonical fields are unchanged beside it.
            #expect(chinese.json["status"] as? String == "yellow")
            #expect(((chinese.json["reasons"] as? [[String: Any]])?.first)?["native"] as? String == "R12")

            let english = try await h.verify(qr, language: "en-US,en;q=0.9")
            let enDate = ExplanationLanguage.english.words.date(end, thisYear: thisYear)
            let toldEnglish = try #require(english.json["explanation"] as? [String: Any])
            #expect(toldEnglish["lang"] as? String == "en")
            #expect(toldEnglish["text"] as? String
                == "Yellow: recent travel to a key area; observation until \(enDate) (inclusive).")
            #expect(toldEnglish["whatNext"] as? String == "If you believe the colour is wrong, contact Hangzhou's "
                + "health-code service: phone 12345, web https://hangzhou.example/health-code.")
            #expect(english.headers["Content-Language"] == "en")

            for header in ["zh", "*", "fr-FR", "zh-CN,en;q=0.5"] {
                let answer = try await h.verify(qr, language: header)
                #expect((answer.json["explanation"] as? [String: Any])?["lang"] as? String == "zh-CN", "\(header)")
            }

            // Beijing has no support configured: its refusal names no phone and no page.
            let beijing = try await h.verify(try h.federation.beijing.issueCode(for: "yellow-popup1"), language: nil)
            let toldBeijing = try #require(beijing.json["explanation"] as? [String: Any])
            #expect(toldBeijing["whatNext"] as? String == "如认为颜色有误，请联系北京健康码服务。")
            #expect((toldBeijing["text"] as? String)?.hasPrefix("黄码：近14天有重点地区旅居史") == true)

            // Nothing personal: not the masked name, not the ID number, not the pseudonym.
            for answer in [chinese, english, beijing] {
                let text = String(decoding: try JSONSerialization.data(withJSONObject: answer.json["explanation"] ?? [:]),
                                  as: UTF8.self)
                #expect(!text.contains(holder.idNumber))
                #expect(!text.contains("刘") && !text.contains("\\u5218"))
                #expect(!text.contains("hg1:"))
            }
        }
    }

    @Test("a green needs nothing; pending says wait; Shanghai's unknown says apply; a stale answer says how old")
    func statuses() async throws {
        try await FederationHarness.withFederation(overrides: ["beijing": ["freshnessSeconds": "0",
                                                                           "staleLimitSeconds": "600"]]) { h in
            let green = try await h.verify(try h.federation.hangzhou.issueCode(for: "green-R00"), language: "en")
            #expect((green.json["explanation"] as? [String: Any])?["text"] as? String == "Green: nothing abnormal.")
            #expect((green.json["explanation"] as? [String: Any])?["whatNext"] as? String == "Nothing to do.")
            let pending = try await h.verify(try h.federation.hangzhou.issueCode(for: "init"), language: nil)
            #expect((pending.json["explanation"] as? [String: Any])?["whatNext"] as? String
                == "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。")
            let unknown = try await h.verify(try h.federation.shanghai.issueCode(for: "not-enrolled"), language: nil)
            #expect((unknown.json["explanation"] as? [String: Any])?["text"] as? String
                == "无记录：上海没有此码持有人的记录。")

            let bj = h.federation.beijing
            let qr = try bj.issueCode(for: "green")
            #expect(try await h.verify(qr, language: nil).json["freshness"] as? String == "live")
            bj.faults.set(.proxyError(status: 502))
            let stale = try await h.verify(qr, language: nil)
            bj.faults.clear()
            #expect(stale.json["freshness"] as? String == "stale")
            let told = try #require(stale.json["explanation"] as? [String: Any])
            #expect(told["text"] as? String == "北京暂时无法联系，以下为 1 分钟前的结果。绿码：未见异常。")
            #expect(told["whatNext"] as? String == "请在北京恢复联系后再扫码确认。")
        }
    }

    @Test("a peer gateway's verify answer carries the explanation in the language it accepts")
    func peer() async throws {
        try await FederationHarness.withFederation { h in
            let peer = h.layout.gatewayPeerClient("330100")
            let qr = try h.federation.shanghai.issueCode(for: "yellow-keyarea")
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["qr": qr, "callerRegion": "330100"]),
                              as: UTF8.self)
            let english = try await h.post("/federation/v1/verify", json: body, as: peer,
                                           headers: ["Accept-Language": "en"])
            #expect(english.status == 200)
            let told = try #require(ExplanationEndToEndTests.object(english)["explanation"] as? [String: Any])
            #expect(told["lang"] as? String == "en")
            #expect((told["text"] as? String)?.hasPrefix("Yellow: recent travel to a key area") == true)
            let chinese = try await h.post("/federation/v1/verify", json: body, as: peer)
            let toldChinese = try #require(ExplanationEndToEndTests.object(chinese)["explanation"] as? [String: Any])
            #expect((toldChinese["text"] as? String)?.hasPrefix("黄码：近14天有重点地区旅居史") == true)
            #expect(toldChinese["whatNext"] as? String == "如认为颜色有误，请联系上海健康码服务。")
        }
    }

    @Test("a transfer answers in the language asked, a repeat in its own, and GET in the reader's")
    func transfer() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            let traveller = try h.addHangzhouHolder(color: "yellow", reason: "R12", quarantineDays: 6)
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let requestID = UUID()
            let body = try TransferEndToEndTests.body(qr: qr, idNumber: traveller.id, requestID: requestID)

            let first = try await h.post("/v1/transfers", json: body, as: agent, headers: ["Accept-Language": "en"])
            #expect(first.status == 200)
            let firstJSON = Self.object(first)
            let end = try #require((firstJSON["observationEnds"] as? String).flatMap(LocalDate.init))
            let thisYear = LocalDate(containing: Date()).year
            let told = try #require(firstJSON["explanation"] as? [String: Any])
            #expect(told["lang"] as? String == "en")
            #expect(told["text"] as? String == "Yellow: recent travel to a key area; observation until "
                + "\(ExplanationLanguage.english.words.date(end, thisYear: thisYear)) (inclusive).")
            #expect(told["whatNext"] as? String == "If you believe the colour is wrong, contact Shanghai's "
                + "health-code service.")
            #expect(first.headers["Content-Language"] == "en")

            // A repeat in Chinese: the same answer, its explanation rendered again in Chinese.
            let again = try await h.post("/v1/transfers", json: body, as: agent)
            var againJSON = Self.object(again)
            let toldAgain = try #require(againJSON["explanation"] as? [String: Any])
            #expect(toldAgain["lang"] as? String == "zh-CN")
            #expect(toldAgain["text"] as? String == "黄码：近14天有重点地区旅居史，观察期至"
                + "\(ExplanationLanguage.chinese.words.date(end, thisYear: thisYear))（含）。")
            #expect(againJSON["replayed"] as? Bool == true)
            againJSON["explanation"] = firstJSON["explanation"]
            againJSON["replayed"] = false
            #expect(try TransferEndToEndTests.canonical(againJSON) == TransferEndToEndTests.canonical(firstJSON))
            // A repeat in English is the first answer byte for byte, but for `replayed`.
            let third = try await h.post("/v1/transfers", json: body, as: agent, headers: ["Accept-Language": "en"])
            #expect(String(decoding: third.body, as: UTF8.self) == String(decoding: first.body, as: UTF8.self)
                .replacingOccurrences(of: #""replayed":false"#, with: #""replayed":true"#))

            // GET in English and in Chinese: the reader's language, both cities' sides.
            let recorded = try await h.get("/v1/transfers/\(requestID.uuidString)", as: agent, language: "en")
            let record = Self.object(recorded)
            let home = try #require(record["explanation"] as? [String: Any])
            #expect(home["lang"] as? String == "en")
            #expect(home["status"] as? String == "Yellow")
            #expect(home["reasons"] as? [String] == ["recent travel to a key area"])
            let origin = try #require(home["origin"] as? [String: Any])
            #expect(origin["issuer"] as? String == "330100")
            #expect(origin["lang"] as? String == "en")
            #expect((origin["text"] as? String)?.hasPrefix("Yellow: recent travel to a key area; observation until ") == true)
            #expect((origin["whatNext"] as? String)?.contains("Hangzhou's health-code service") == true)
            let recordedChinese = try await h.get("/v1/transfers/\(requestID.uuidString)", as: agent, language: nil)
            let homeChinese = try #require(Self.object(recordedChinese)["explanation"] as? [String: Any])
            #expect(homeChinese["status"] as? String == "黄码")
            #expect(((homeChinese["origin"] as? [String: Any])?["text"] as? String)?.hasPrefix("黄码：") == true)
            // The recorded answer is the first POST's body, in the first POST's language.
            #expect(String(decoding: recorded.body, as: UTF8.self)
                .hasPrefix(#"{"answer":"# + String(decoding: first.body, as: UTF8.self) + ","))
            try h.expectStoredNowhere([traveller.id, "刘明"])
        }
    }

    /// The parsed JSON object of an answer (empty when it is not one).
    static func object(_ response: TransportResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }
}

extension FederationHarness {
    /// `POST /v1/verify` as the Shanghai checkpoint with `Accept-Language: language` (none when `nil`): the status,
    /// the parsed JSON answer and the response's header fields.
    func verify(_ qr: String, language: String?) async throws
        -> (status: Int, json: [String: Any], headers: TransportHeaders) {
        let body = try JSONSerialization.data(withJSONObject: ["qr": qr, "scene": "transport"])
        let response = try await post("/v1/verify", json: String(decoding: body, as: UTF8.self), as: checkpoint,
                                      headers: language.map { ["Accept-Language": $0] } ?? [:])
        return (response.status, ExplanationEndToEndTests.object(response), response.headers)
    }

    /// A GET to the gateway's mutual-TLS port with `Accept-Language: language` (none when `nil`).
    func get(_ path: String, as identity: DevCertificateFiles?, language: String?) async throws -> TransportResponse {
        var headers: TransportHeaders = [:]
        if let language { headers.add(name: "Accept-Language", value: language) }
        return try await client.send(TransportRequest(method: .get, path: path, headers: headers, body: []),
                                     endpoint: endpoint(identity))
    }
}
