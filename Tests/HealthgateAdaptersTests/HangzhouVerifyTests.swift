import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct HangzhouVerifyTests {
    typealias S = HangzhouBeijingSupport
    let adapter = HangzhouAdapter()

    // MARK: Request

    @Test func checkpointRequestIsExactlyTheDocuments() throws {
        let request = adapter.verifyRequest(for: try S.hangzhouCode(), purpose: .checkpoint(.transport),
                                            caller: .shanghai, requestID: S.requestID,
                                            now: ChinaTime.date(year: 2020, month: 3, day: 2, hour: 8, minute: 15)!)
        #expect(request.method == "POST")
        #expect(request.path == "/open/healthcode/v2/verify")
        #expect(request.headers == [
            HTTPField("Content-Type", "application/json; charset=utf-8"),
            HTTPField("X-HZ-Request-Id", "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d"),
        ])
        let body = try S.jsonObject(request.body)
        #expect(body.count == 4)
        #expect(body["city_code"] as? String == "310000")
        #expect(body["code_content"] as? String == S.hangzhouQR)
        #expect(body["industry_type"] as? String == "transport")
        #expect(body["request_time"] as? String == "2020-03-02 08:15:00")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"city_code":"310000","code_content":"HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F","industry_type":"transport","request_time":"2020-03-02 08:15:00"}"#)
    }

    @Test(arguments: Scene.allCases)
    func industryTypeIsTheScene(_ scene: Scene) throws {
        let request = adapter.verifyRequest(for: try S.hangzhouCode(), purpose: .checkpoint(scene), caller: .beijing,
                                            requestID: S.requestID, now: S.now)
        #expect(try S.jsonObject(request.body)["industry_type"] as? String == scene.rawValue)
    }

    @Test func transferRequestUsesIndustryTypeTransferAndLocalTime() throws {
        let request = adapter.verifyRequest(for: try S.hangzhouCode(), purpose: .transfer, caller: .beijing,
                                            requestID: S.requestID, now: S.now)
        let body = try S.jsonObject(request.body)
        #expect(body["industry_type"] as? String == "transfer")
        #expect(body["city_code"] as? String == "110000")
        // 1583108000 is 00:13:20 UTC, 08:13:20 in Asia/Shanghai.
        #expect(body["request_time"] as? String == "2020-03-02 08:13:20")
    }

    // MARK: SUCCESS answers

    @Test func theVectorYellowAnswerBecomesTheCanonicalResult() throws {
        let verification = try adapter.parseVerifyResponse(
            S.hangzhouResponse(try S.fixture("hangzhou-verify-yellow.json")), for: try S.hangzhouCode(),
            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        let result = verification.result
        #expect(result.issuer == .hangzhou)
        #expect(result.holder == S.pseudonyms.pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"))
        #expect(result.status == .yellow)
        #expect(result.admits == false)
        #expect(result.reasons == [Reason(code: .keyAreaTravel, native: "R12")])
        #expect(result.statusSince == ChinaTime.date(year: 2020, month: 2, day: 28, hour: 10))
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 8))
        #expect(result.maskedName == "刘*")
        #expect(result.asOf == S.receivedAt)
        #expect(result.freshness == .live)
        #expect(verification.holderRef == "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        #expect(verification.idDigest == nil, "no id_no_sha256 outside a transfer")
    }

    @Test func locationAndUnknownFieldsNeverLeaveTheParser() throws {
        for name in ["hangzhou-verify-yellow.json", "hangzhou-verify-red-unknown-reason.json",
                     "hangzhou-verify-green-no-reason.json", "hangzhou-verify-transfer.json"] {
            let verification = try adapter.parseVerifyResponse(
                S.hangzhouResponse(try S.fixture(name)), for: try S.hangzhouCode(), receivedAt: S.receivedAt,
                pseudonyms: S.pseudonyms)
            let encoder = JSONEncoder()
            let encoded = String(decoding: try encoder.encode(verification.result), as: UTF8.self)
            for leak in ["温州", "宁波", "杭州", "travel_history", "trip_cities", "last_location", "lat\"", "120.15", "id_no", "330106", "123X",
                         "health_card_level", "9f2c61d0"] {
                #expect(!encoded.contains(leak), "\(name): \(leak)")
            }
            let mirror = String(describing: verification)
            #expect(!mirror.contains("温州"), "\(name)")
            #expect(!mirror.contains("travel_history"), "\(name)")
        }
    }

    @Test func aGreenWithoutReasonIsNone() throws {
        let result = try adapter.parseVerifyResponse(
            S.hangzhouResponse(try S.fixture("hangzhou-verify-green-no-reason.json")), for: try S.hangzhouCode(),
            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.status == .green)
        #expect(result.admits)
        #expect(result.reasons == [Reason(code: .none, native: nil)])
        #expect(result.observationEnds == nil)
        #expect(result.statusSince == ChinaTime.date(year: 2020, month: 2, day: 10, hour: 9, minute: 30))
    }

    @Test func initIsPendingWithNoReasons() throws {
        let result = try adapter.parseVerifyResponse(
            S.hangzhouResponse(try S.fixture("hangzhou-verify-init.json")), for: try S.hangzhouCode(),
            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.status == .pending)
        #expect(!result.admits)
        #expect(result.reasons.isEmpty)
        #expect(result.statusSince == nil)
    }

    @Test func anUnknownReasonIsOtherKeepingTheNativeCode() throws {
        let result = try adapter.parseVerifyResponse(
            S.hangzhouResponse(try S.fixture("hangzhou-verify-red-unknown-reason.json")), for: try S.hangzhouCode(),
            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.status == .red)
        #expect(result.reasons == [Reason(code: .other, native: "R77")])
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 15))
    }

    @Test(arguments: [("R00", CanonicalReason.none), ("R11", .closeContact), ("R12", .keyAreaTravel),
                      ("R13", .symptoms), ("R14", .missedCheckIn), ("R21", .confirmedOrSuspected),
                      ("R22", .medicalObservation), ("R90", .authorityDecision), ("R15", .other)])
    func everyReasonCodeOfTheDocument(_ native: String, _ canonical: CanonicalReason) throws {
        let body = #"{"result_code":"SUCCESS","data":{"code_color":"red","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","color_reason":"\#(native)"}}"#
        let result = try adapter.parseVerifyResponse(S.hangzhouResponse(Array(body.utf8)), for: try S.hangzhouCode(),
                                                     receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.reasons == [Reason(code: canonical, native: native)])
    }

    @Test(arguments: [("green", HealthStatus.green), ("yellow", .yellow), ("red", .red), ("init", .pending)])
    func everyStatusWordOfTheDocument(_ word: String, _ status: HealthStatus) throws {
        let body = #"{"result_code":"SUCCESS","data":{"code_color":"\#(word)","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"}}"#
        let result = try adapter.parseVerifyResponse(S.hangzhouResponse(Array(body.utf8)), for: try S.hangzhouCode(),
                                                     receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.status == status)
    }

    // MARK: The result_code table, row by row

    @Test(arguments: [
        ("hangzhou-verify-expired.json", "code-expired", false),
        ("hangzhou-verify-not-found.json", "code-not-found", false),
        ("hangzhou-verify-invalid-param.json", "issuer-refused", false),
        ("hangzhou-verify-no-permission.json", "issuer-refused", false),
        ("hangzhou-verify-busy.json", "issuer-unavailable", true),
        ("hangzhou-verify-unknown-error.json", "issuer-error", false),
    ])
    func everyResultCodeRow(_ fixture: String, _ code: String, _ transient: Bool) throws {
        let response = S.hangzhouResponse(try S.fixture(fixture))
        #expect(response.status == 200, "business errors come inside HTTP 200")
        let error = S.error {
            try adapter.parseVerifyResponse(response, for: try S.hangzhouCode(), receivedAt: S.receivedAt,
                                            pseudonyms: S.pseudonyms)
        }
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func systemBusyAsksForOneRetryNoSoonerThan200ms() throws {
        let error = S.error {
            try adapter.parseVerifyResponse(S.hangzhouResponse(try S.fixture("hangzhou-verify-busy.json")),
                                            for: try S.hangzhouCode(), receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        }
        #expect(error?.retryAfterMilliseconds == 200)
        #expect(error?.code.httpStatus == 503)
    }

    @Test(arguments: [500, 502, 503, 504])
    func http5xxIsATransientTransportFailure(_ status: Int) {
        let error = S.error {
            try adapter.parseVerifyResponse(S.hangzhouResponse(Array("<html>bad gateway</html>".utf8), status: status,
                                                               contentType: "text/html"),
                                            for: try S.hangzhouCode(), receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        }
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.isTransient == true)
    }

    @Test(arguments: [400, 401, 403, 404, 302])
    func otherHTTPStatusesAreIssuerErrors(_ status: Int) throws {
        let error = S.error {
            try adapter.parseVerifyResponse(S.hangzhouResponse(try S.fixture("hangzhou-verify-yellow.json"), status: status),
                                            for: try S.hangzhouCode(), receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        }
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test(arguments: [
        #"{"result_msg":"成功"}"#,
        #"{"result_code":"SUCCESS"}"#,
        #"{"result_code":"SUCCESS","data":null}"#,
        #"{"result_code":"SUCCESS","data":{"holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"blue","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"green"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","color_time":"2020-02-30 10:00:00"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","quarantine_until":"20200308"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","id_no_sha256":"ABC"}}"#,
        #"{"result_code":"SUCCESS","data":{"code_color":7,"holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"}}"#,
        #"[]"#,
        #"null"#,
    ])
    func answersOutsideTheDocumentAreIssuerErrors(_ body: String) throws {
        let error = S.error {
            try adapter.parseVerifyResponse(S.hangzhouResponse(Array(body.utf8)), for: try S.hangzhouCode(),
                                            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        }
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test func errorDetailsCarryNoWireText() throws {
        let body = #"{"result_code":"刘明 33010619900101123X <script>","result_msg":"x"}"#
        let error = S.error {
            try adapter.parseVerifyResponse(S.hangzhouResponse(Array(body.utf8)), for: try S.hangzhouCode(),
                                            receivedAt: S.receivedAt, pseudonyms: S.pseudonyms)
        }
        #expect(error?.code == .issuerError)
        #expect(error?.detail.contains("刘明") == false)
        #expect(error?.detail.contains("<script>") == false)
        #expect(error?.detail.contains("33010619900101123X") == false)
    }

    // MARK: Transfer identity check

    @Test func idDigestMatchesTheVector() throws {
        let vector = try S.jsonObject(try S.fixture("hangzhou-id-digest.json"))
        let id = try ResidentID(validating: try #require(vector["id_no"] as? String))
        let content = try #require(vector["code_content"] as? String)
        let code = try #require(try adapter.recognise(content, now: S.now))
        let digest = adapter.idDigest(of: id, code: code, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        #expect(digest == vector["id_no_sha256"] as? String)
        // A lower-case x in the declared number is upper-cased before hashing.
        #expect(adapter.idDigest(of: try ResidentID(validating: "33010619900101123x"), code: code, holderRef: "") == digest)
    }

    @Test func transferAnswerCarriesTheDigestWhichMatchesOnlyTheRightID() throws {
        let code = try S.hangzhouCode()
        let verification = try adapter.parseVerifyResponse(
            S.hangzhouResponse(try S.fixture("hangzhou-verify-transfer.json")), for: code, receivedAt: S.receivedAt,
            pseudonyms: S.pseudonyms)
        let sent = try #require(verification.idDigest)
        let right = adapter.idDigest(of: try ResidentID(validating: "33010619900101123X"), code: code,
                                     holderRef: verification.holderRef)
        let wrong = adapter.idDigest(of: try ResidentID(validating: "110105199003070017"), code: code,
                                     holderRef: verification.holderRef)
        #expect(TransferDigest.matches(issuerDigest: sent, computed: right))
        #expect(!TransferDigest.matches(issuerDigest: sent, computed: wrong))
        let encoded = String(decoding: try JSONEncoder().encode(verification.result), as: UTF8.self)
        #expect(!encoded.contains(sent), "the digest is for the identity check, not the result")
    }
}
