import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct BeijingArrivalTests {
    typealias S = HangzhouBeijingSupport
    let adapter = BeijingAdapter()

    // MARK: ArrivalRegister

    @Test func arrivalRequestIsExactlyTheDocuments() throws {
        let arrival = try S.arrival(status: .yellow, reasons: [Reason(code: .keyAreaTravel, native: "R12")],
                                    id: "110105199003070017", name: "王浩")
        let request = adapter.arrivalRequest(arrival, caller: .beijing)
        #expect(request.method == "POST")
        #expect(request.path == "/jxxz/ws/ArrivalRegister")
        #expect(request.headers == [HTTPField("Content-Type", "application/xml; charset=UTF-8")])
        #expect(String(decoding: request.body, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <ArrivalRegisterRequest>
              <RequestId>5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d</RequestId>
              <IdNumber>110105199003070017</IdNumber>
              <Name>王浩</Name>
              <FromRegion>310000</FromRegion>
              <FromColor>YELLOW</FromColor>
              <FromPopup>1</FromPopup>
              <FromObservationEnd>20200308</FromObservationEnd>
              <ArrivalTime>20200302090000</ArrivalTime>
            </ArrivalRegisterRequest>

            """)
    }

    @Test(arguments: [(HealthStatus.green, "GREEN"), (.yellow, "YELLOW"), (.red, "RED")])
    func fromColorWords(_ status: HealthStatus, _ word: String) throws {
        let text = String(decoding: adapter.arrivalRequest(try S.arrival(status: status), caller: .beijing).body,
                          as: UTF8.self)
        #expect(text.contains("<FromColor>\(word)</FromColor>"))
    }

    @Test func noReasonIsPopupZeroAndNoObservationEndIsLeftOut() throws {
        let arrival = try S.arrival(status: .green, reasons: [Reason(code: .none, native: "SH-CLEAR")],
                                    observationEnds: nil)
        let text = String(decoding: adapter.arrivalRequest(arrival, caller: .beijing).body, as: UTF8.self)
        #expect(text.contains("<FromPopup>0</FromPopup>"))
        #expect(!text.contains("FromObservationEnd"))
    }

    @Test func reasonsWithoutABeijingWordUseCategoryFive() throws {
        let arrival = try S.arrival(reasons: [Reason(code: .symptoms, native: "R13")])
        let text = String(decoding: adapter.arrivalRequest(arrival, caller: .beijing).body, as: UTF8.self)
        #expect(text.contains("<FromPopup>5</FromPopup>"))
    }

    @Test func namesAreEscaped() throws {
        let text = String(decoding: adapter.arrivalRequest(try S.arrival(name: "王<浩>&\u{1}"), caller: .beijing).body,
                          as: UTF8.self)
        #expect(text.contains("<Name>王&lt;浩&gt;&amp;</Name>"))
    }

    @Test func arrivalAnswerIsBeijingsDecision() throws {
        let outcome = try adapter.parseArrivalResponse(S.beijingResponse(try S.fixture("beijing-arrival-success.xml"),
                                                                         contentType: "text/xml"))
        #expect(outcome == ArrivalOutcome(holderRef: S.beijingCard, status: .yellow,
                                          observationEnds: LocalDate(year: 2020, month: 3, day: 16)))
    }

    @Test func anInvalidIDNumberIsABadRequest() throws {
        let error = S.error { try adapter.parseArrivalResponse(S.beijingResponse(try S.fixture("beijing-arrival-1004.xml"))) }
        #expect(error?.code == .badRequest)
        #expect(error?.isTransient == false)
    }

    @Test(arguments: [("1001", "code-not-found", false), ("1002", "code-expired", false),
                      ("1003", "issuer-refused", false), ("1004", "bad-request", false),
                      ("2001", "issuer-unavailable", true), ("3005", "issuer-error", false)])
    func arrivalReturnCodesAsForTheQuery(_ returnCode: String, _ code: String, _ transient: Bool) {
        let body = "<ArrivalRegisterResponse><ReturnCode>\(returnCode)</ReturnCode></ArrivalRegisterResponse>"
        let error = S.error { try adapter.parseArrivalResponse(S.beijingResponse(Array(body.utf8))) }
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func arrivalAnswersMustBeArrivalAnswers() throws {
        let error = S.error { try adapter.parseArrivalResponse(S.beijingResponse(try S.fixture("beijing-query-utf8.xml"))) }
        #expect(error?.code == .issuerError)
        let noCard = "<ArrivalRegisterResponse><ReturnCode>0</ReturnCode><Result><Status>居家观察</Status></Result></ArrivalRegisterResponse>"
        #expect(S.error { try adapter.parseArrivalResponse(S.beijingResponse(Array(noCard.utf8))) }?.code == .issuerError)
        let proxy = S.error { try adapter.parseArrivalResponse(S.beijingResponse(try S.fixture("beijing-proxy-502.html"), status: 502)) }
        #expect(proxy?.code == .issuerUnavailable)
        #expect(proxy?.isTransient == true)
    }

    // MARK: Notifications: Beijing sends none

    @Test func anyNotificationIsABadRequest() throws {
        for body in [Array("{}".utf8), try S.fixture("beijing-query-utf8.xml"), []] {
            #expect(S.error { try adapter.parseNotification(body) }?.code == .badRequest)
        }
        #expect(adapter.notificationAcknowledgement.status == 204)
    }

    // MARK: Translate and render

    @Test func translateIsBeijingsColumn() {
        #expect(adapter.translate([Reason(code: .none, native: "R00"), Reason(code: .closeContact, native: "R11"),
                                   Reason(code: .missedCheckIn, native: "R14")]) == [
            TranslatedReason(canonical: .none, native: nil, lossy: false),
            TranslatedReason(canonical: .closeContact, native: "2", lossy: false),
            TranslatedReason(canonical: .missedCheckIn, native: "5", lossy: true),
        ])
    }

    @Test(arguments: [(HealthStatus.green, "未见异常"), (.yellow, "居家观察"), (.red, "集中观察"), (.pending, "核验中"),
                      (.unknown, "暂无信息")])
    func renderSpeaksBeijingsWords(_ status: HealthStatus, _ word: String) {
        let result = VerificationResult(
            issuer: .hangzhou, holder: S.pseudonyms.pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"),
            status: status, reasons: status == .yellow ? [Reason(code: .keyAreaTravel, native: "R12")] : Reason.absent(for: status),
            statusSince: nil, observationEnds: status == .yellow ? LocalDate(year: 2020, month: 3, day: 8) : nil,
            maskedName: "刘*", asOf: S.receivedAt, freshness: .live)
        let rendering = adapter.render(result)
        #expect(rendering.region == .beijing)
        #expect(rendering.fields["Status"] == .string(word))
        if status == .yellow {
            #expect(rendering.fields["Popup"] == .int(1))
            #expect(rendering.fields["ObservationEnd"] == .string("20200308"))
        } else {
            #expect(rendering.fields["Popup"] == .null)
            #expect(rendering.fields["ObservationEnd"] == .null)
        }
    }

    @Test func renderUsesTheFallbackCategoryForSymptoms() {
        let result = VerificationResult(
            issuer: .hangzhou, holder: S.pseudonyms.pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"),
            status: .red, reasons: [Reason(code: .symptoms, native: "R13")], statusSince: nil, observationEnds: nil,
            maskedName: nil, asOf: S.receivedAt, freshness: .live)
        #expect(adapter.render(result).fields["Popup"] == .int(5))
    }
}
