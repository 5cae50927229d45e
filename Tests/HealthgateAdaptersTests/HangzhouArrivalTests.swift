import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct HangzhouArrivalTests {
    typealias S = HangzhouBeijingSupport
    let adapter = HangzhouAdapter()

    // MARK: transfer_in

    @Test func arrivalRequestIsExactlyTheDocuments() throws {
        let request = adapter.arrivalRequest(try S.arrival(), caller: .hangzhou)
        #expect(request.method == "POST")
        #expect(request.path == "/open/healthcode/v2/transfer_in")
        #expect(request.headers == [
            HTTPField("Content-Type", "application/json; charset=utf-8"),
            HTTPField("X-HZ-Request-Id", "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d"),
        ])
        let body = try S.jsonObject(request.body)
        #expect(body.count == 8)
        #expect(body["request_id"] as? String == "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d")
        #expect(body["id_no"] as? String == "33010619900101123X")
        #expect(body["user_name"] as? String == "刘明")
        #expect(body["origin_city_code"] as? String == "310000")
        #expect(body["origin_color"] as? String == "yellow")
        #expect(body["origin_reason"] as? String == "R12")
        #expect(body["origin_quarantine_until"] as? String == "2020-03-08")
        #expect(body["arrival_time"] as? String == "2020-03-02 09:00:00")
    }

    @Test func theSameArrivalGivesTheSameBytes() throws {
        #expect(adapter.arrivalRequest(try S.arrival(), caller: .hangzhou)
            == adapter.arrivalRequest(try S.arrival(), caller: .hangzhou))
    }

    @Test func reasonsWithoutAHangzhouWordUseTheFallback() throws {
        let arrival = try S.arrival(reasons: [Reason(code: .underReview, native: "SH-APPEAL")])
        #expect(try S.jsonObject(adapter.arrivalRequest(arrival, caller: .hangzhou).body)["origin_reason"] as? String
            == "R90")
    }

    @Test func aGreenWithoutReasonsIsR00AndNullsAreExplicit() throws {
        let arrival = try S.arrival(status: .green, reasons: [], observationEnds: nil)
        let body = try S.jsonObject(adapter.arrivalRequest(arrival, caller: .hangzhou).body)
        #expect(body["origin_color"] as? String == "green")
        #expect(body["origin_reason"] as? String == "R00")
        #expect(body["origin_quarantine_until"] is NSNull)
    }

    @Test func namesAreEscapedNotInjected() throws {
        let arrival = try S.arrival(name: "刘\"明\\\n")
        let body = try S.jsonObject(adapter.arrivalRequest(arrival, caller: .hangzhou).body)
        #expect(body["user_name"] as? String == "刘\"明\\\n")
        #expect(body.count == 8)
    }

    @Test func arrivalAnswerIsHangzhousDecision() throws {
        let outcome = try adapter.parseArrivalResponse(S.hangzhouResponse(try S.fixture("hangzhou-transfer-in-success.json")))
        #expect(outcome == ArrivalOutcome(holderRef: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", status: .yellow,
                                          observationEnds: LocalDate(year: 2020, month: 3, day: 9)))
    }

    @Test(arguments: [
        ("hangzhou-transfer-in-invalid-param.json", "issuer-refused", false),
        ("hangzhou-verify-no-permission.json", "issuer-refused", false),
        ("hangzhou-verify-busy.json", "issuer-unavailable", true),
        ("hangzhou-verify-unknown-error.json", "issuer-error", false),
    ])
    func arrivalErrorsAsForVerify(_ fixture: String, _ code: String, _ transient: Bool) throws {
        let error = S.error { try adapter.parseArrivalResponse(S.hangzhouResponse(try S.fixture(fixture))) }
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func arrivalTransportFailureIsTransient() {
        let error = S.error { try adapter.parseArrivalResponse(S.hangzhouResponse([], status: 503, contentType: nil)) }
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.isTransient == true)
    }

    // MARK: Notifications

    @Test func colourChangedBecomesAHolderChangedEvent() throws {
        let event = try adapter.parseNotification(try S.fixture("hangzhou-notify-color-changed.json"))
        #expect(event == HolderChangedEvent(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d",
                                            status: .red, at: ChinaTime.date(year: 2020, month: 3, day: 2, hour: 11, minute: 20)))
    }

    @Test(arguments: [
        #"{"notify_type":"COLOR_RESET","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","code_color":"red"}"#,
        #"{"holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","code_color":"red"}"#,
        #"{"notify_type":"COLOR_CHANGED","code_color":"red"}"#,
        #"{"notify_type":"COLOR_CHANGED","holder_ref":"nothex","code_color":"red"}"#,
        #"{"notify_type":"COLOR_CHANGED","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","code_color":"purple"}"#,
        #"{"notify_type":"COLOR_CHANGED","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","color_time":"yesterday"}"#,
        "not json",
        "",
    ])
    func otherNotificationsAreBadRequests(_ body: String) {
        #expect(S.error { try adapter.parseNotification(Array(body.utf8)) }?.code == .badRequest)
    }

    @Test func deeplyNestedOrHugeNotificationsAreBadRequests() {
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(S.error { try adapter.parseNotification(deep) }?.code == .badRequest)
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20)
        #expect(S.error { try adapter.parseNotification(huge) }?.code == .badRequest)
    }

    @Test func acknowledgementIsResultCodeSuccess() throws {
        let ack = adapter.notificationAcknowledgement
        #expect(ack.status == 200)
        #expect(ack.header("content-type")?.hasPrefix("application/json") == true)
        #expect(try S.jsonObject(ack.body) as? [String: String] == ["result_code": "SUCCESS"])
    }

    // MARK: Translate and render

    @Test func translateIsHangzhousColumn() {
        let reasons = [Reason(code: .keyAreaTravel, native: "SH-KEYAREA-ARRIVAL"), Reason(code: .other, native: "SH-X"),
                       Reason(code: .underReview, native: "SH-APPEAL")]
        #expect(adapter.translate(reasons) == [
            TranslatedReason(canonical: .keyAreaTravel, native: "R12", lossy: false),
            TranslatedReason(canonical: .other, native: "R90", lossy: true),
            TranslatedReason(canonical: .underReview, native: "R90", lossy: true),
        ])
    }

    @Test func renderSpeaksHangzhousWords() throws {
        let result = VerificationResult(
            issuer: .shanghai, holder: S.pseudonyms.pseudonym(issuer: .shanghai, holderRef: "a3f9c2e17b4d5086"),
            status: .yellow, reasons: [Reason(code: .closeContact, native: "SH-CONTACT")], statusSince: nil,
            observationEnds: LocalDate(year: 2020, month: 3, day: 9), maskedName: "徐*", asOf: S.receivedAt,
            freshness: .live)
        let rendering = adapter.render(result)
        #expect(rendering.region == .hangzhou)
        #expect(rendering.fields == ["code_color": .string("yellow"), "color_reason": .string("R11"),
                                     "quarantine_until": .string("2020-03-09")])
        var pending = result
        pending.status = .pending
        pending.reasons = []
        pending.observationEnds = nil
        #expect(adapter.render(pending).fields == ["code_color": .string("init"), "color_reason": .null,
                                                   "quarantine_until": .null])
        var unknown = pending
        unknown.status = .unknown
        #expect(adapter.render(unknown).fields["code_color"] == .null, "Hangzhou has no word for unknown")
        var green = pending
        green.status = .green
        green.reasons = [Reason(code: .none, native: nil)]
        #expect(adapter.render(green).fields["color_reason"] == .string("R00"))
    }
}
