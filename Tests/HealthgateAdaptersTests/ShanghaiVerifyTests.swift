import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct ShanghaiVerifyTests {
    typealias S = ShanghaiTestSupport
    let receivedAt = Date(timeIntervalSince1970: 1_583_108_100.412)
    let adapter: ShanghaiAdapter

    init() throws {
        adapter = try S.adapter()
    }

    func parse(_ response: NativeResponse, sid: String = S.sid) throws(HealthgateError) -> NativeVerification {
        try adapter.parseVerifyResponse(response, for: S.recognisedCode(sid: sid), receivedAt: receivedAt,
                                             pseudonyms: S.pseudonyms)
    }

    func failure(_ response: NativeResponse) -> HealthgateError? {
        do {
            _ = try parse(response)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Requests

    @Test func checkpointRequest() throws {
        let id = UUID(uuidString: "5B0E7F0C-0D43-4C0B-9D5E-7F1C2A3B4C5D")!
        let request = try S.adapter().verifyRequest(for: S.recognisedCode(), purpose: .checkpoint(.transport),
                                                    caller: .hangzhou, requestID: id, now: S.now)
        #expect(request.method == "GET")
        #expect(request.path == "/sssm/v1/holders/a3f9c2e17b4d5086/status")
        #expect(request.header("X-SSM-Caller") == "330100")
        #expect(request.header("X-SSM-Request-Id") == "5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d")
        #expect(request.body.isEmpty)
    }

    @Test func transferRequestAsksForTheDigest() throws {
        let request = try S.adapter().verifyRequest(for: S.recognisedCode(), purpose: .transfer, caller: .beijing,
                                                    requestID: UUID(), now: S.now)
        #expect(request.path == "/sssm/v1/holders/a3f9c2e17b4d5086/status?purpose=transfer")
        #expect(request.header("X-SSM-Caller") == "110000")
    }

    // MARK: Success

    @Test func yellowVector() throws {
        let answer = try parse(S.response(200, try S.fixture("shanghai-status-yellow.json")))
        let result = answer.result
        #expect(result.issuer == .shanghai)
        #expect(result.status == .yellow)
        #expect(!result.admits)
        #expect(result.reasons == [Reason(code: .keyAreaTravel, native: "SH-KEYAREA-ARRIVAL")])
        #expect(result.statusSince.map { ChinaTime.formatISO($0) } == "2020-02-28T10:00:00+08:00")
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 8))
        #expect(result.maskedName == "徐*")
        #expect(result.asOf == receivedAt)
        #expect(result.freshness == .live)
        #expect(result.holder == S.pseudonyms.pseudonym(issuer: .shanghai, holderRef: S.sid))
        #expect(answer.holderRef == S.sid)
        #expect(answer.idDigest == nil)
    }

    @Test func greenTransferKeepsDigestAndDropsEverythingElse() throws {
        let answer = try parse(S.response(200, try S.fixture("shanghai-status-green-transfer.json")))
        #expect(answer.result.status == .green)
        #expect(answer.result.admits)
        // Empty reasonCodes on green: the canonical "none" with no native code.
        #expect(answer.result.reasons == [Reason(code: .none, native: nil)])
        #expect(answer.result.observationEnds == nil)
        #expect(answer.idDigest == "8a0e27eb6b2e75a5b61d4d141e4363b563f43abf2d342797be4d2e4ae367247a")
        // The travel history, trip cities and address in the answer never reach the result.
        let encoded = String(decoding: try JSONEncoder().encode(answer.result), as: UTF8.self)
        for leak in ["武汉", "杭州", "travel", "trip", "上海市", "homeAddress"] {
            #expect(!encoded.contains(leak))
        }
    }

    @Test func digestMatchesTheGatewaysOwn() throws {
        let adapter = try S.adapter()
        let id = try ResidentID(validating: "33010619900101123x")
        let ours = adapter.idDigest(of: id, code: S.recognisedCode(), holderRef: S.sid)
        #expect(ours == "8a0e27eb6b2e75a5b61d4d141e4363b563f43abf2d342797be4d2e4ae367247a")
        let answer = try parse(S.response(200, try S.fixture("shanghai-status-green-transfer.json")))
        #expect(ConstantTime.hexDigestsEqual(ours, try #require(answer.idDigest)))
    }

    @Test func redWithSuspectedAndAnUnknownReason() throws {
        let result = try parse(S.response(200, try S.fixture("shanghai-status-red-unknown-reason.json"))).result
        #expect(result.status == .red)
        #expect(result.reasons == [Reason(code: .confirmedOrSuspected, native: "SH-SUSPECTED"),
                                   Reason(code: .other, native: "SH-NEW-2020")])
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 15))
    }

    @Test func unenrolledHasNoReasonsAndNulls() throws {
        let result = try parse(S.response(200, try S.fixture("shanghai-status-unenrolled.json"))).result
        #expect(result.status == .unknown)
        #expect(result.reasons == [])
        #expect(result.statusSince == nil)
        #expect(result.maskedName == nil)
        #expect(!result.admits)
    }

    @Test(arguments: [(0, HealthStatus.green), (1, .yellow), (2, .red), (9, .unknown)])
    func everyStatus(_ number: Int, _ status: HealthStatus) throws {
        let body = #"{"code":0,"msg":"success","data":{"sid":"a3f9c2e17b4d5086","healthStatus":\#(number),"statusTime":1582855200000,"reasonCodes":[],"observeEndTime":null}}"#
        let result = try parse(S.response(200, Array(body.utf8))).result
        #expect(result.status == status)
        #expect(result.reasons == Reason.absent(for: status))
    }

    @Test func observeEndTimeIsItsLocalDate() throws {
        // 2020-03-08T16:00:00Z is 2020-03-09 00:00 in Shanghai: the local date, not the UTC one.
        let body = #"{"code":0,"msg":"success","data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"statusTime":1582855200000,"reasonCodes":["SH-CONTACT"],"observeEndTime":1583683200000}}"#
        let result = try parse(S.response(200, Array(body.utf8))).result
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 9))
        #expect(result.reasons == [Reason(code: .closeContact, native: "SH-CONTACT")])
    }

    // MARK: The error table of shanghai.md

    @Test(arguments: [
        (400, "shanghai-error-40001.json", "issuer-refused", false),
        (403, "shanghai-error-40301.json", "issuer-refused", false),
        (404, "shanghai-error-40401.json", "code-not-found", false),
        (429, "shanghai-error-42901.json", "issuer-unavailable", true),
        (503, "shanghai-error-50301.json", "issuer-unavailable", true),
    ])
    func errorRow(_ status: Int, _ fixture: String, _ code: String, _ transient: Bool) throws {
        let error = failure(S.response(status, try S.fixture(fixture)))
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func rateLimitCarriesRetryAfter() throws {
        let error = failure(S.response(429, try S.fixture("shanghai-error-42901.json"),
                                       headers: [HTTPField("Retry-After", "7")]))
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.isTransient == true)
        #expect(error?.retryAfterSeconds == 7)
        let dated = failure(S.response(429, try S.fixture("shanghai-error-42901.json"),
                                       headers: [HTTPField("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]))
        #expect(dated?.retryAfterSeconds == nil)
        let absurd = failure(S.response(429, try S.fixture("shanghai-error-42901.json"),
                                        headers: [HTTPField("Retry-After", "99999999999999999999")]))
        #expect(absurd?.isTransient == true)
        #expect(absurd?.retryAfterSeconds == nil)
    }

    @Test func otherServerErrorsAreTransient() throws {
        for status in [500, 502, 504] {
            let html = Array("<html><body><h1>\(status) Bad Gateway</h1></body></html>".utf8)
            let error = failure(S.response(status, html, contentType: "text/html"))
            #expect(error?.code == .issuerUnavailable)
            #expect(error?.isTransient == true)
        }
    }

    @Test func bareNotFoundIsNotAHolderVerdict() throws {
        // A 404 without Suishenma's 40401 is a misrouted request (wrong base path), not "no such holder".
        let error = failure(S.response(404, Array("<html>Not Found</html>".utf8), contentType: "text/html"))
        #expect(error?.code == .issuerError)
    }

    @Test func unexpectedStatusesAreIssuerErrors() throws {
        for status in [201, 204, 301, 401, 418] {
            let error = failure(S.response(status, []))
            #expect(error?.code == .issuerError)
            #expect(error?.isTransient == false)
        }
    }

    // MARK: Garbage and hostile answers

    static let garbage: [String] = [
        "",
        "not json",
        "[]",
        #"{"code":0,"msg":"success"}"#,
        #"{"code":0,"msg":"success","data":null}"#,
        #"{"code":50301,"msg":"unavailable","data":null}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":3,"statusTime":1582855200000,"reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":"1","statusTime":1582855200000,"reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"statusTime":"2020-02-28","reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"statusTime":-1,"reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"statusTime":1e300,"reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"observeEndTime":999999999999999999,"reasonCodes":[]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"reasonCodes":"SH-CONTACT"}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":1,"reasonCodes":[""]}}"#,
        #"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":0,"idDigest":"NOT-A-DIGEST"}}"#,
        #"{"code":0,"data":{"sid":"ffffffffffffffff","healthStatus":0}}"#,
    ]

    @Test(arguments: garbage)
    func garbageIsIssuerError(_ body: String) {
        let error = failure(S.response(200, Array(body.utf8)))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test func wrongContentTypeIsIssuerError() throws {
        let error = failure(S.response(200, try S.fixture("shanghai-status-yellow.json"), contentType: "text/html"))
        #expect(error?.code == .issuerError)
        // An absent content type is given the benefit of the doubt.
        #expect(failure(S.response(200, try S.fixture("shanghai-status-yellow.json"), contentType: nil)) == nil)
    }

    @Test func tenMegabyteAnswer() throws {
        var body = Array(#"{"code":0,"msg":""#.utf8)
        body.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: 10 * 1024 * 1024))
        body.append(contentsOf: Array(#"","data":null}"#.utf8))
        let error = failure(S.response(200, body))
        #expect(error?.code == .issuerError)
    }

    @Test func hundredThousandDeepNesting() {
        let body = Array(String(repeating: "[", count: 100_000).utf8) + Array(String(repeating: "]", count: 100_000).utf8)
        #expect(failure(S.response(200, body))?.code == .issuerError)
        let inData = Array(#"{"code":0,"data":"#.utf8) + Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
        #expect(failure(S.response(200, inData))?.code == .issuerError)
        // The same depth in an error answer still gives the error row, without reading the body.
        #expect(failure(S.response(503, body))?.code == .issuerUnavailable)
    }

    @Test func truncatedUTF8() throws {
        var body = try S.fixture("shanghai-status-yellow.json")
        // Cut inside 徐 (three bytes in UTF-8).
        let index = try #require(body.firstIndex(of: 0xE5))
        body = Array(body[..<(index + 2)])
        #expect(failure(S.response(200, body))?.code == .issuerError)
        // Invalid UTF-8 inside an otherwise complete answer.
        let bad = Array(#"{"code":0,"data":{"sid":"a3f9c2e17b4d5086","healthStatus":0,"maskedName":""#.utf8) + [0xE5, 0x22]
            + Array("}}".utf8)
        #expect(failure(S.response(200, bad))?.code == .issuerError)
    }

    // MARK: signature-only

    @Test func signatureOnlyFromTheToken() throws {
        let code = try #require(try S.adapter().recognise(try S.token(st: 0), now: S.now))
        let result = try #require(ShanghaiAdapter.signatureOnlyResult(for: code, pseudonyms: S.pseudonyms))
        #expect(result.status == .green)
        #expect(result.freshness == .signatureOnly)
        #expect(result.asOf == Date(timeIntervalSince1970: 1_583_107_200))
        #expect(!result.admits)
        #expect(result.holder == S.pseudonyms.pseudonym(issuer: .shanghai, holderRef: S.sid))
        let allowed = try #require(ShanghaiAdapter.signatureOnlyResult(for: code, pseudonyms: S.pseudonyms,
                                                                       allowDegradedAdmit: true))
        #expect(allowed.admits)
        let yellow = try #require(try S.adapter().recognise(try S.token(st: 1), now: S.now))
        let notAdmitted = try #require(ShanghaiAdapter.signatureOnlyResult(for: yellow, pseudonyms: S.pseudonyms,
                                                                           allowDegradedAdmit: true))
        #expect(notAdmitted.status == .yellow)
        #expect(!notAdmitted.admits)
        let hangzhou = RecognisedCode(issuer: .hangzhou, content: "HZHC2:x", holderKey: "x")
        #expect(ShanghaiAdapter.signatureOnlyResult(for: hangzhou, pseudonyms: S.pseudonyms) == nil)
    }

    // MARK: Keys endpoint

    @Test func keysRequestAndAnswer() throws {
        let adapter = try S.adapter()
        let request = adapter.keysRequest(caller: .beijing, requestID: UUID())
        #expect(request.method == "GET")
        #expect(request.path == "/sssm/v1/keys")
        #expect(request.header("X-SSM-Caller") == "110000")
        let set = try adapter.parseKeysResponse(S.response(200, try S.fixture("shanghai-keys.json")))
        #expect(set.keyIDs == ["ssm-test-1"])
        #expect(throws: HealthgateError.self) { try adapter.parseKeysResponse(S.response(503, [])) }
        #expect(throws: HealthgateError.self) {
            try adapter.parseKeysResponse(S.response(200, try S.fixture("shanghai-keys.json"), contentType: "text/plain"))
        }
        // A 404 from the keys endpoint is never "holder not found".
        let notFound = #expect(throws: HealthgateError.self) {
            try adapter.parseKeysResponse(S.response(404, try S.fixture("shanghai-error-40401.json")))
        }
        #expect(notFound?.code == .issuerError)
    }
}
