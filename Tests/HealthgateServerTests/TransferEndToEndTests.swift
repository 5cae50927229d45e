import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// Travellers transfer their status from Hangzhou or Beijing into Shanghai through the real Shanghai gateway
/// (`POST /v1/transfers`, mutual TLS in, libcurl out, SQLite audit) against the simulated cities.
@Suite("transfers end to end", .serialized)
struct TransferEndToEndTests {
    @Test("green, yellow and red transfers; pending refused; wrong ID number; checkpoint 403; home-city code; nothing personal stored")
    func transfers() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            var ids: [String] = []
            var requests = 0

            // Green, from Hangzhou.
            let green = try h.addHangzhouHolder(color: "green", reason: "R00", quarantineDays: nil)
            ids.append(green.id)
            let greenAnswer = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: green.handle),
                                                   idNumber: green.id, as: agent)
            requests += 1
            #expect(greenAnswer.status == 200)
            #expect(greenAnswer.json["status"] as? String == "green")
            #expect(greenAnswer.json["issuer"] as? String == "310000")
            #expect(greenAnswer.json["admits"] as? Bool == true)
            #expect(greenAnswer.json["freshness"] as? String == "live")
            #expect(greenAnswer.json["asOf"] as? String != nil)
            let greenTold = greenAnswer.json["explanation"] as? [String: Any]
            #expect(greenTold?["lang"] as? String == "zh-CN")
            #expect(greenTold?["text"] as? String == "绿码：未见异常。")
            #expect(greenTold?["whatNext"] as? String == "无需处理。")
            #expect((greenAnswer.json["local"] as? [String: Any])?["healthStatus"] as? Int == 0)
            #expect(((greenAnswer.json["reasons"] as? [[String: Any]])?.first)?["native"] as? String == "SH-CLEAR")
            #expect((greenAnswer.json["origin"] as? [String: Any])?["issuer"] as? String == "330100")
            #expect(greenAnswer.json["replayed"] as? Bool == false)

            // Yellow, from Hangzhou: Shanghai keeps yellow and at least the origin's observation.
            let originEnd = LocalDate(containing: Date().addingTimeInterval(6 * 86400))
            let yellow = try h.addHangzhouHolder(color: "yellow", reason: "R12", quarantineDays: 6)
            ids.append(yellow.id)
            let yellowAnswer = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: yellow.handle),
                                                    idNumber: yellow.id, as: agent)
            requests += 1
            #expect(yellowAnswer.status == 200)
            #expect(yellowAnswer.json["status"] as? String == "yellow")
            #expect(yellowAnswer.json["admits"] as? Bool == false)
            let endText = yellowAnswer.json["observationEnds"] as? String
            let end = try #require(endText.flatMap(LocalDate.init))
            #expect(end >= originEnd)
            let endWords = ExplanationLanguage.chinese.words.date(end, thisYear: LocalDate(containing: Date()).year)
            let yellowTold = yellowAnswer.json["explanation"] as? [String: Any]
            #expect(yellowTold?["text"] as? String == "黄码：近14天有重点地区旅居史，观察期至\(endWords)（含）。")
            #expect(yellowTold?["observationEnds"] as? String == endWords)
            #expect(yellowTold?["whatNext"] as? String == "如认为颜色有误，请联系上海健康码服务。")
            let yellowReason = (yellowAnswer.json["reasons"] as? [[String: Any]])?.first
            #expect(yellowReason?["code"] as? String == "key-area-travel")
            #expect(yellowReason?["native"] as? String == "SH-KEYAREA-ARRIVAL")
            let translation = (yellowAnswer.json["reasonTranslations"] as? [[String: Any]])?.first
            #expect(translation?["lossy"] as? Bool == false)
            let local = yellowAnswer.json["local"] as? [String: Any]
            #expect(local?["healthStatus"] as? Int == 1)
            #expect(local?["reasonCodes"] as? [String] == ["SH-KEYAREA-ARRIVAL"])
            let origin = yellowAnswer.json["origin"] as? [String: Any]
            #expect(origin?["status"] as? String == "yellow")
            #expect(origin?["observationEnds"] as? String == originEnd.description)
            #expect(((origin?["reasons"] as? [[String: Any]])?.first)?["native"] as? String == "R12")
            // Shanghai now knows the traveller, yellow.
            let arrived = h.federation.shanghai.holders.first { $0.idNumber == yellow.id }
            #expect(arrived?.healthStatus == 1)

            // Red, from Beijing (集中观察, popup 3: confirmed or suspected).
            let red = try h.addBeijingHolder(status: "集中观察", popup: 3, observationDays: 21)
            ids.append(red.id)
            let redAnswer = try await h.transfer(qr: try h.federation.beijing.issueCode(for: red.handle),
                                                 idNumber: red.id, as: agent)
            requests += 1
            #expect(redAnswer.status == 200)
            #expect(redAnswer.json["status"] as? String == "red")
            #expect((redAnswer.json["local"] as? [String: Any])?["healthStatus"] as? Int == 2)
            #expect(((redAnswer.json["explanation"] as? [String: Any])?["text"] as? String)?
                .hasPrefix("红码：确诊或疑似病例，观察期至") == true)
            #expect((redAnswer.json["origin"] as? [String: Any])?["issuer"] as? String == "110000")

            // Pending (Hangzhou init) is refused with a reason.
            let pending = try h.addHangzhouHolder(color: "init", reason: nil, quarantineDays: nil)
            ids.append(pending.id)
            let pendingAnswer = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: pending.handle),
                                                     idNumber: pending.id, as: agent)
            requests += 1
            #expect(pendingAnswer.status == 409)
            #expect(pendingAnswer.json["type"] as? String == "transfer-refused")
            #expect((pendingAnswer.json["detail"] as? String)?.contains("pending") == true)
            #expect(h.federation.shanghai.holders.contains { $0.idNumber == pending.id } == false)

            // Another person's (valid) ID number: identity-mismatch, nothing registered.
            let stranger = TestResidentID.make()
            ids.append(stranger)
            let mismatch = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: yellow.handle),
                                                idNumber: stranger, as: agent)
            requests += 1
            #expect(mismatch.status == 422)
            #expect(mismatch.json["type"] as? String == "identity-mismatch")
            #expect(h.federation.shanghai.holders.contains { $0.idNumber == stranger } == false)

            // A checkpoint may not transfer.
            let forbidden = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: green.handle),
                                                 idNumber: green.id, as: h.checkpoint)
            requests += 1
            #expect(forbidden.status == 403)
            #expect(forbidden.json["type"] as? String == "forbidden")

            // A Shanghai code cannot be transferred into Shanghai.
            let sameCity = try await h.transfer(qr: try h.federation.shanghai.issueCode(for: "yellow-keyarea"),
                                                idNumber: green.id, as: agent)
            requests += 1
            #expect(sameCity.status == 422)
            #expect(sameCity.json["type"] as? String == "same-city-transfer")

            // A malformed ID number and a missing request id are bad requests that repeat no value.
            let badID = try await h.transfer(qr: "HZHC2:7777777777777777777777777A", idNumber: "330106199001011234",
                                             as: agent)
            requests += 1
            #expect(badID.status == 400)
            #expect((badID.json["detail"] as? String)?.contains("330106199001011234") == false)
            let noID = try await h.post("/v1/transfers", json: #"{"qr":"x","idNumber":"\#(green.id)","name":"刘明"}"#,
                                        as: agent)
            requests += 1
            #expect(noID.status == 400)

            try await h.expectOneAuditRecordPerTransfer(requests)
            let entries = try await h.auditEntries().filter { $0.record.route == "POST /v1/transfers" }
            let greenRecord = entries.first
            #expect(greenRecord?.record.purpose == "transfer")
            #expect(greenRecord?.record.issuer?.rawValue == "330100")
            #expect(greenRecord?.record.holder != nil)
            #expect(greenRecord?.record.role == "transfer-agent")
            #expect(entries.contains { $0.record.outcome == .failed(code: "identity-mismatch") })
            #expect(entries.contains { $0.record.outcome == .failed(code: "transfer-refused") })
            try h.expectStoredNowhere(ids + ["刘明"])
        }
    }

    @Test("the same request id twice registers once; reused for another transfer it is refused")
    func idempotent() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            let traveller = try h.addHangzhouHolder(color: "yellow", reason: "R11", quarantineDays: 10)
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let requestID = UUID()
            let first = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: requestID, as: agent)
            #expect(first.status == 200)
            #expect(first.json["replayed"] as? Bool == false)

            // Suishenma is now busy: a second registration could not succeed, a repeat needs none.
            h.federation.shanghai.faults.set(.busy)
            let second = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: requestID, as: agent,
                                              viaHeader: true)
            #expect(second.status == 200)
            #expect(second.json["replayed"] as? Bool == true)
            #expect(second.json["holder"] as? String == first.json["holder"] as? String)
            #expect(second.json["observationEnds"] as? String == first.json["observationEnds"] as? String)
            #expect(second.json["requestId"] as? String == requestID.uuidString.lowercased())
            // A new request id does go to Suishenma (and meets the fault): the repeat above did not.
            let fresh = try await h.transfer(qr: qr, idNumber: traveller.id, as: agent)
            #expect(fresh.status == 503)
            #expect(fresh.json["type"] as? String == "issuer-unavailable")
            h.federation.shanghai.faults.clear()
            #expect(h.federation.shanghai.holders.filter { $0.idNumber == traveller.id }.count == 1)

            // The same request id with another name is another transfer: refused.
            let reused = try await h.transfer(qr: qr, idNumber: traveller.id, name: "刘强", requestID: requestID, as: agent)
            #expect(reused.status == 400)
            #expect(reused.json["type"] as? String == "bad-request")

            // A header and a body naming different request ids, and a body over the limit, are refused.
            let fields = ["qr": qr, "idNumber": traveller.id, "name": "刘明", "requestId": UUID().uuidString]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
            let twoIDs = try await h.post("/v1/transfers", json: json, as: agent,
                                          headers: ["X-Request-Id": UUID().uuidString])
            #expect(twoIDs.status == 400)
            let large = try await h.transfer(qr: String(repeating: "A", count: 20_000), idNumber: traveller.id, as: agent)
            #expect(large.status == 413)
            #expect(large.json["type"] as? String == "payload-too-large")

            try await h.expectOneAuditRecordPerTransfer(6)
            let records = try await h.auditEntries().filter { $0.record.route == "POST /v1/transfers" }.map(\.record)
            #expect(records.prefix(2).allSatisfy { $0.issuer?.rawValue == "330100" && $0.holder != nil })
            #expect(records.dropFirst().first?.upstreamAttempts == 0)
            try h.expectStoredNowhere([traveller.id, "刘强", "刘明"])
        }
    }

    @Test("Shanghai answering a less severe colour is a policy conflict, not a transfer")
    func policyConflict() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            h.federation.shanghai.arrivalPolicy = .lenient
            let traveller = try h.addHangzhouHolder(color: "red", reason: "R21", quarantineDays: 14)
            let answer = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: traveller.handle),
                                              idNumber: traveller.id, as: agent)
            #expect(answer.status == 409)
            #expect(answer.json["type"] as? String == "policy-conflict")
            #expect((answer.json["detail"] as? String)?.contains("green") == true)
            #expect(answer.json["status"] as? Int == 409)

            // A green traveller meets no conflict under the same policy.
            let green = try h.addHangzhouHolder(color: "green", reason: "R00", quarantineDays: nil)
            let fine = try await h.transfer(qr: try h.federation.hangzhou.issueCode(for: green.handle),
                                            idNumber: green.id, as: agent)
            #expect(fine.status == 200)

            try await h.expectOneAuditRecordPerTransfer(2)
            let records = try await h.auditEntries().filter { $0.record.route == "POST /v1/transfers" }.map(\.record)
            #expect(records.first?.outcome == .failed(code: "policy-conflict"))
            #expect(records.first?.holder != nil)
            try h.expectStoredNowhere([traveller.id, green.id, "刘明"])
        }
    }
}

extension TransferEndToEndTests {
    @Test("a peer asking with purpose transfer gets the issuer's ID digest, which its FederationAdapter checks")
    func peerDigest() async throws {
        try await FederationHarness.withFederation { h in
            let peer = h.layout.gatewayPeerClient("330100")
            let holder = try #require(h.federation.shanghai.holder("yellow-keyarea"))
            let qr = try h.federation.shanghai.issueCode(for: holder.handle)
            func ask(_ purpose: String) async throws -> TransportResponse {
                let body = try JSONSerialization.data(withJSONObject: ["qr": qr, "purpose": purpose, "callerRegion": "330100"])
                return try await h.post("/federation/v1/verify", json: String(decoding: body, as: UTF8.self), as: peer)
            }
            let checkpoint = try await ask("checkpoint")
            #expect(checkpoint.status == 200)
            #expect((try JSONSerialization.jsonObject(with: Data(checkpoint.body)) as? [String: Any])?["idDigest"] == nil)

            let transfer = try await ask("transfer")
            #expect(transfer.status == 200)
            // What the asking gateway (Hangzhou's, reaching Shanghai through this one) makes of the answer.
            let (code, native) = try await h.gateway.server.verification.recognise(qr)
            let adapter = FederationAdapter(reaching: native)
            let parsed = try adapter.parseVerifyResponse(
                NativeResponse(status: 200, headers: [HTTPField("Content-Type", "application/json")], body: transfer.body),
                for: code, receivedAt: Date(), pseudonyms: h.gateway.server.configuration.current.pseudonymKey)
            let digest = try #require(parsed.idDigest)
            let declared = try ResidentID(validating: holder.idNumber)
            #expect(TransferDigest.matches(issuerDigest: digest,
                                           computed: adapter.idDigest(of: declared, code: code, holderRef: parsed.holderRef)))
            let other = try ResidentID(validating: TestResidentID.make())
            #expect(!TransferDigest.matches(issuerDigest: digest,
                                            computed: adapter.idDigest(of: other, code: code, holderRef: parsed.holderRef)))
        }
    }
}

extension TransferEndToEndTests {
    @Test("GET /v1/transfers/{id}: the stored answer byte for byte and what the traveller is told; 404, 403, 400; audited")
    func recorded() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            let originEnd = LocalDate(containing: Date().addingTimeInterval(6 * 86400))
            let traveller = try h.addHangzhouHolder(color: "yellow", reason: "R12", quarantineDays: 6)
            let requestID = UUID()
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let posted = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: requestID, as: agent)
            #expect(posted.status == 200)

            let response = try await h.get("/v1/transfers/\(requestID.uuidString)", as: agent)
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let answer = try #require(record["answer"] as? [String: Any])
            #expect(try Self.canonical(answer) == Self.canonical(posted.json))
            #expect(record["outcome"] as? String == "done")
            #expect(record["requestId"] as? String == requestID.uuidString.lowercased())
            #expect(record["createdAt"] as? String != nil)
            let told = try #require(record["explanation"] as? [String: Any])
            let postedTold = try #require(posted.json["explanation"] as? [String: Any])
            #expect(told["lang"] as? String == "zh-CN")
            #expect(told["text"] as? String == postedTold["text"] as? String)
            #expect(told["whatNext"] as? String == postedTold["whatNext"] as? String)
            #expect(told["status"] as? String == "黄码")
            #expect(told["reasons"] as? [String] == ["近14天有重点地区旅居史"])
            #expect(told["observationEnds"] as? String == postedTold["observationEnds"] as? String)
            let origin = try #require(told["origin"] as? [String: Any])
            #expect(origin["issuer"] as? String == "330100")
            #expect(origin["status"] as? String == "黄码")
            #expect(origin["reasons"] as? [String] == ["近14天有重点地区旅居史"])
            #expect(origin["observationEnds"] as? String
                == ExplanationLanguage.chinese.words.date(originEnd, thisYear: LocalDate(containing: Date()).year))
            #expect(origin["whatNext"] as? String == "如认为颜色有误，请联系杭州健康码服务。")
            #expect(origin["asOf"] as? String == (answer["origin"] as? [String: Any])?["asOf"] as? String)

            // The answer is the POST's body, unchanged (the GET's own fields follow it).
            let again = try await h.post("/v1/transfers", json: try Self.body(qr: qr, idNumber: traveller.id,
                                                                              requestID: requestID), as: agent)
            let replayed = String(decoding: again.body, as: UTF8.self)
            #expect(replayed.contains(#""replayed":true"#))
            let original = replayed.replacingOccurrences(of: #""replayed":true"#, with: #""replayed":false"#)
            #expect(text.hasPrefix(#"{"answer":"# + original + ","))

            let unknown = try await h.get("/v1/transfers/\(UUID().uuidString)", as: agent)
            #expect(unknown.status == 404)
            #expect(Self.json(unknown)["type"] as? String == "transfer-not-found")
            let forbidden = try await h.get("/v1/transfers/\(requestID.uuidString)", as: h.checkpoint)
            #expect(forbidden.status == 403)
            #expect(Self.json(forbidden)["type"] as? String == "forbidden")
            let malformed = try await h.get("/v1/transfers/not-a-uuid", as: agent)
            #expect(malformed.status == 400)

            let records = try await h.auditEntries().map(\.record).filter { $0.route == "GET /v1/transfers/{requestId}" }
            #expect(records.count == 4)
            #expect(records.first?.purpose == "transfer")
            #expect(records.first?.issuer?.rawValue == "330100")
            #expect(records.first?.holder != nil)
            #expect(records.first?.role == "transfer-agent")
            #expect(records.contains { $0.outcome == .failed(code: "transfer-not-found") && $0.purpose == "transfer" })
            #expect(records.contains { $0.outcome == .failed(code: "forbidden") })
            try h.expectStoredNowhere([traveller.id, "刘明"])
        }
    }

    @Test("a policy conflict is recorded: GET answers its problem, the home city's colour and the origin's")
    func recordedConflict() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            h.federation.shanghai.arrivalPolicy = .lenient
            let traveller = try h.addHangzhouHolder(color: "red", reason: "R21", quarantineDays: 14)
            let requestID = UUID()
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let posted = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: requestID, as: agent)
            #expect(posted.status == 409)
            let response = try await h.get("/v1/transfers/\(requestID.uuidString)", as: agent)
            #expect(response.status == 200)
            let record = Self.json(response)
            #expect(record["outcome"] as? String == "policy-conflict")
            let answer = record["answer"] as? [String: Any] ?? [:]
            #expect(try Self.canonical(answer) == Self.canonical(posted.json))
            let told = record["explanation"] as? [String: Any] ?? [:]
            #expect(told["status"] as? String == "绿码")
            #expect(told["text"] as? String == "转码未完成：上海登记为绿码，比杭州的红码宽松。")
            #expect(told["whatNext"] as? String == "请联系上海健康码服务。")
            #expect((told["origin"] as? [String: Any])?["status"] as? String == "红码")
            // A repeat gets the same problem again, without a second registration.
            let again = try await h.transfer(qr: qr, idNumber: traveller.id, requestID: requestID, as: agent)
            #expect(again.status == 409)
            #expect(try Self.canonical(again.json) == Self.canonical(posted.json))
            try h.expectStoredNowhere([traveller.id, "刘明"])
        }
    }

    @Test("after a restart a repeat is answered from the record (replayed) without asking either city; other content is 400")
    func repeatAfterRestart() async throws {
        try await FederationHarness.withFederation { h in
            let agent = try h.transferAgent()
            let traveller = try h.addHangzhouHolder(color: "yellow", reason: "R11", quarantineDays: 10)
            let qr = try h.federation.hangzhou.issueCode(for: traveller.handle)
            let requestID = UUID()
            let first = try await h.post("/v1/transfers", json: try Self.body(qr: qr, idNumber: traveller.id,
                                                                              requestID: requestID), as: agent)
            #expect(first.status == 200)
            #expect(Self.json(first)["replayed"] as? Bool == false)

            let restarted = try await h.restartedGateway()
            do {
                // Neither city could answer now: a repeat that reached them would fail.
                h.federation.shanghai.faults.set(.busy)
                h.federation.hangzhou.faults.set(.busy)
                let repeated = try await restarted.post("/v1/transfers", json: try Self.body(
                    qr: qr, idNumber: traveller.id, requestID: requestID), as: agent, headers: ["X-Request-Id": requestID.uuidString])
                #expect(repeated.status == 200)
                #expect(Self.json(repeated)["replayed"] as? Bool == true)
                #expect(String(decoding: repeated.body, as: UTF8.self)
                    == String(decoding: first.body, as: UTF8.self).replacingOccurrences(of: #""replayed":false"#,
                                                                                      with: #""replayed":true"#))
                // The same request id with another name is another transfer.
                let reused = try await restarted.post("/v1/transfers", json: try Self.body(
                    qr: qr, idNumber: traveller.id, name: "刘强", requestID: requestID), as: agent)
                #expect(reused.status == 400)
                #expect(Self.json(reused)["type"] as? String == "bad-request")
                // A repeat after the 400 is still answered from the record.
                let third = try await restarted.post("/v1/transfers", json: try Self.body(
                    qr: qr, idNumber: traveller.id, requestID: requestID), as: agent)
                #expect(third.status == 200)
                #expect(Self.json(third)["replayed"] as? Bool == true)
                let recorded = try await restarted.get("/v1/transfers/\(requestID.uuidString)", as: agent)
                #expect(recorded.status == 200)
                h.federation.shanghai.faults.clear()
                h.federation.hangzhou.faults.clear()
                #expect(h.federation.shanghai.holders.filter { $0.idNumber == traveller.id }.count == 1)

                let records = try await restarted.auditEntries().map(\.record).filter { $0.route == "POST /v1/transfers" }
                #expect(records.count == 4)
                #expect(records.dropFirst().allSatisfy { $0.upstreamAttempts == 0 })
                #expect(records[1].issuer?.rawValue == "330100" && records[1].holder == records[0].holder)
                #expect(records[1].outcome == records[0].outcome)
                try restarted.expectStoredNowhere([traveller.id, "刘明", "刘强"])
                await restarted.stopGateway()
            } catch {
                h.federation.shanghai.faults.clear()
                h.federation.hangzhou.faults.clear()
                await restarted.stopGateway()
                throw error
            }
        }
    }

    /// A transfer body as JSON text.
    static func body(qr: String, idNumber: String, name: String = "刘明", requestID: UUID) throws -> String {
        let fields = ["qr": qr, "idNumber": idNumber, "name": name, "requestId": requestID.uuidString]
        return String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
    }

    /// A parsed JSON value serialised again with sorted keys, for comparing two parsed answers.
    static func canonical(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The parsed JSON object of an answer (empty when it is not one).
    static func json(_ response: TransportResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }
}

/// Synthetic resident ID numbers (GB 11643) made at test time, with a real birth date and the MOD 11-2 check character.
enum TestResidentID {
    static func make(region: String = "330106") -> String {
        let year = Int.random(in: 1950...2005), month = Int.random(in: 1...12), day = Int.random(in: 1...28)
        let digits = region + String(format: "%04d%02d%02d%03d", year, month, day, Int.random(in: 0...999))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return digits + String(Array("10X98765432")[sum % 11])
    }
}

extension FederationHarness {
    /// A client certificate whose CN the harness's configuration gives the role `transfer-agent`.
    func transferAgent() throws -> DevCertificateFiles {
        try issueClient(.client(commonName: "transfer-agent-310000"), name: "transfer-agent-\(UUID().uuidString.prefix(8))")
    }

    /// A new Hangzhou holder with an ID number made now.
    func addHangzhouHolder(color: String, reason: String?, quarantineDays: Int?) throws -> (handle: String, id: String) {
        let id = TestResidentID.make()
        let handle = "transfer-\(UUID().uuidString.prefix(8))"
        let until = quarantineDays.map { LocalDate(containing: Date().addingTimeInterval(Double($0) * 86400)).description }
        federation.hangzhou.add(HangzhouHolder(
            handle: handle, baseRef: (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined(),
            idNumber: id, maskedName: "刘*", color: color, reason: reason, colorTime: Date().addingTimeInterval(-3600),
            quarantineUntil: until))
        return (handle, id)
    }

    /// A new Beijing holder with an ID number made now.
    func addBeijingHolder(status: String, popup: Int?, observationDays: Int?) throws -> (handle: String, id: String) {
        let id = TestResidentID.make(region: "110105")
        let handle = "transfer-\(UUID().uuidString.prefix(8))"
        let card = "1101052026" + String(format: "%010d", Int.random(in: 0...999_999_999))
        let end = observationDays.map { LocalDate(containing: Date().addingTimeInterval(Double($0) * 86400)).compact }
        federation.beijing.add(BeijingHolder(
            handle: handle, cardId: card, idNumber: id, maskedName: "王*", status: status,
            statusTime: Date().addingTimeInterval(-3600), observationEnd: end, popup: popup, explanation: nil))
        return (handle, id)
    }

    /// `POST /v1/transfers`; the parsed JSON answer and the status. `viaHeader` sends the request id as `X-Request-Id`.
    func transfer(qr: String, idNumber: String, name: String = "刘明", requestID: UUID = UUID(),
                  as identity: DevCertificateFiles, viaHeader: Bool = false) async throws -> (status: Int, json: [String: Any]) {
        var fields: [String: String] = ["qr": qr, "idNumber": idNumber, "name": name]
        var headers: [String: String] = [:]
        if viaHeader { headers["X-Request-Id"] = requestID.uuidString } else { fields["requestId"] = requestID.uuidString }
        let body = try JSONSerialization.data(withJSONObject: fields)
        let response = try await post("/v1/transfers", json: String(decoding: body, as: UTF8.self), as: identity,
                                      headers: headers)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// Exactly one audit record per `POST /v1/transfers` request, every one with purpose `transfer` when it got past
    /// the role check.
    func expectOneAuditRecordPerTransfer(_ requests: Int) async throws {
        let records = try await auditEntries().map(\.record).filter { $0.route == "POST /v1/transfers" }
        #expect(records.count == requests)
        #expect(records.filter { $0.outcome != .failed(code: "forbidden") }.allSatisfy { $0.purpose == "transfer" })
    }

    /// None of `secrets` appears in the database, its write-ahead log or the audit witness file.
    func expectStoredNowhere(_ secrets: [String]) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("healthgate.sqlite") || $0.hasSuffix(".jsonl") }
        #expect(names.contains("healthgate.sqlite"))
        #expect(names.contains("healthgate.sqlite-wal"))
        for name in names {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "a secret is stored in \(name)")
                #expect(bytes.range(of: Data(secret.lowercased().utf8)) == nil, "a secret is stored in \(name)")
            }
        }
    }
}
