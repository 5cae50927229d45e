import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct ShanghaiArrivalTests {
    typealias S = ShanghaiTestSupport

    func registration(reasons: [Reason] = [Reason(code: .keyAreaTravel, native: "R12")],
                      ends: LocalDate? = LocalDate(year: 2020, month: 3, day: 8)) throws -> ArrivalRegistration {
        ArrivalRegistration(
            requestID: UUID(uuidString: "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d")!,
            idNumber: try ResidentID(validating: "33010619900101123X"), name: "刘明", fromRegion: .hangzhou,
            fromStatus: .yellow, fromReasons: reasons, fromObservationEnds: ends,
            arrivalTime: Date(timeIntervalSince1970: 1_583_110_800))
    }

    @Test func requestMatchesTheDocumentsExample() throws {
        let request = try S.adapter().arrivalRequest(try registration(), caller: .hangzhou)
        #expect(request.method == "POST")
        #expect(request.path == "/sssm/v1/arrivals")
        #expect(request.header("X-SSM-Caller") == "330100")
        #expect(request.header("X-SSM-Request-Id") == "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d")
        #expect(request.header("Content-Type") == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        // The example of shanghai.md, field by field.
        let example = #"{"requestId": "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d", "idNumber": "33010619900101123X", "name": "刘明", "fromRegion": "330100", "fromStatus": 1, "fromReasonCodes": ["SH-KEYAREA-ARRIVAL"], "fromObserveEndTime": 1583683199000, "arrivalTime": 1583110800000}"#
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(example.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: body).isEqual(to: expected))
        // Byte-for-byte stable, so that a retry is a replay (200), never a conflict (409).
        #expect(try S.adapter().arrivalRequest(try registration(), caller: .hangzhou).body == request.body)
        #expect(String(decoding: request.body, as: UTF8.self).hasPrefix(#"{"requestId":"#))
    }

    @Test func reasonsWithoutAWordFallBackAndNoEndIsNull() throws {
        let reasons = [Reason(code: .symptoms, native: "R13"), Reason(code: .missedCheckIn, native: "R14"),
                       Reason(code: .closeContact, native: "R11")]
        let request = try S.adapter().arrivalRequest(try registration(reasons: reasons, ends: nil), caller: .hangzhou)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["fromReasonCodes"] as? [String] == ["SH-OBSERVATION", "SH-CONTACT"])
        #expect(body["fromObserveEndTime"] is NSNull)
    }

    @Test func namesWithQuotesAreEscaped() throws {
        var arrival = try registration()
        arrival.name = "A\"B\\C\n"
        let request = try S.adapter().arrivalRequest(arrival, caller: .hangzhou)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["name"] as? String == "A\"B\\C\n")
    }

    @Test func createdAndReplayed() throws {
        let adapter = try S.adapter()
        for status in [201, 200] {
            let outcome = try adapter.parseArrivalResponse(S.response(status, try S.fixture("shanghai-arrival-201.json")))
            #expect(outcome == ArrivalOutcome(holderRef: "b81c0d5e9f2a4637", status: .yellow,
                                              observationEnds: LocalDate(year: 2020, month: 3, day: 8)))
        }
    }

    @Test func conflictIsATypedPermanentError() throws {
        let error = #expect(throws: HealthgateError.self) {
            try S.adapter().parseArrivalResponse(S.response(409, try S.fixture("shanghai-error-40901.json")))
        }
        #expect(error?.code == .issuerRefused)
        #expect(error?.isTransient == false)
        #expect(error?.detail.contains("40901") == true)
    }

    @Test(arguments: [
        (400, "shanghai-error-40001.json", "issuer-refused", false),
        (403, "shanghai-error-40301.json", "issuer-refused", false),
        (429, "shanghai-error-42901.json", "issuer-unavailable", true),
        (503, "shanghai-error-50301.json", "issuer-unavailable", true),
        (404, "shanghai-error-40401.json", "issuer-error", false),
    ])
    func arrivalErrorRows(_ status: Int, _ fixture: String, _ code: String, _ transient: Bool) throws {
        let error = #expect(throws: HealthgateError.self) {
            try S.adapter().parseArrivalResponse(S.response(status, try S.fixture(fixture)))
        }
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func garbageArrivalAnswers() throws {
        for body in ["", "{}", #"{"code":0,"data":{"sid":"xyz","healthStatus":1}}"#,
                     #"{"code":0,"data":{"sid":"b81c0d5e9f2a4637","healthStatus":5}}"#] {
            let error = #expect(throws: HealthgateError.self) {
                try S.adapter().parseArrivalResponse(S.response(201, Array(body.utf8)))
            }
            #expect(error?.code == .issuerError)
        }
    }

    // MARK: Notifications

    @Test func statusChanged() throws {
        let event = try S.adapter().parseNotification(try S.fixture("shanghai-notification-red.json"))
        #expect(event == HolderChangedEvent(issuer: .shanghai, holderRef: S.sid, status: .red,
                                            at: Date(timeIntervalSince1970: 1_583_123_400)))
        let ack = try S.adapter().notificationAcknowledgement
        #expect(ack.status == 204)
        #expect(ack.body.isEmpty)
    }

    @Test func badNotifications() throws {
        let adapter = try S.adapter()
        for body in ["", "[]", #"{"event":"status.deleted","sid":"a3f9c2e17b4d5086"}"#,
                     #"{"event":"status.changed","sid":"A3F9"}"#,
                     #"{"event":"status.changed","sid":"a3f9c2e17b4d5086","healthStatus":7}"#,
                     String(repeating: "[", count: 100_000)] {
            let error = #expect(throws: HealthgateError.self) { try adapter.parseNotification(Array(body.utf8)) }
            #expect(error?.code == .badRequest)
        }
        let huge = Array(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024)
        #expect(throws: HealthgateError.self) { try adapter.parseNotification(huge) }
    }

    // MARK: Vocabulary

    @Test func renderInSuishenmasWords() throws {
        let result = VerificationResult(
            issuer: .hangzhou, holder: S.pseudonyms.pseudonym(issuer: .hangzhou, holderRef: "x"), status: .yellow,
            reasons: [Reason(code: .keyAreaTravel, native: "R12"), Reason(code: .authorityDecision, native: "R90")],
            statusSince: Date(timeIntervalSince1970: 1_582_855_200), observationEnds: LocalDate(year: 2020, month: 3, day: 8),
            maskedName: "刘*", asOf: S.now, freshness: .live)
        let rendering = try S.adapter().render(result)
        #expect(rendering.region == .shanghai)
        #expect(rendering.fields["healthStatus"] == .int(1))
        #expect(rendering.fields["reasonCodes"] == .strings(["SH-KEYAREA-ARRIVAL", "SH-OBSERVATION"]))
        #expect(rendering.fields["observeEndTime"] == .int(1_583_683_199_000))
        #expect(rendering.fields["statusTime"] == .int(1_582_855_200_000))
        #expect(rendering.fields["maskedName"] == .string("刘*"))

        var pending = result
        pending.status = .pending
        pending.reasons = []
        pending.observationEnds = nil
        let noDecision = try S.adapter().render(pending)
        #expect(noDecision.fields["healthStatus"] == .int(9))
        #expect(noDecision.fields["observeEndTime"] == .null)
        #expect(noDecision.fields["reasonCodes"] == .strings([]))
    }

    @Test func translateMarksFallbacks() throws {
        let translated = try S.adapter().translate([
            Reason(code: .none, native: "R00"), Reason(code: .confirmedOrSuspected, native: "SH-SUSPECTED"),
            Reason(code: .confirmedOrSuspected, native: "R21"), Reason(code: .underReview, native: "SH-APPEAL"),
            Reason(code: .symptoms, native: "R13"), Reason(code: .other, native: "R99"),
        ])
        #expect(translated == [
            TranslatedReason(canonical: .none, native: "SH-CLEAR", lossy: false),
            TranslatedReason(canonical: .confirmedOrSuspected, native: "SH-SUSPECTED", lossy: false),
            TranslatedReason(canonical: .confirmedOrSuspected, native: "SH-CONFIRMED", lossy: false),
            TranslatedReason(canonical: .underReview, native: "SH-APPEAL", lossy: false),
            TranslatedReason(canonical: .symptoms, native: "SH-OBSERVATION", lossy: true),
            TranslatedReason(canonical: .other, native: "SH-OBSERVATION", lossy: true),
        ])
    }
}
