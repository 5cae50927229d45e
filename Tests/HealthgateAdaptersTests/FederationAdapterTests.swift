import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct FederationAdapterTests {
    typealias S = ShanghaiTestSupport
    let hangzhou = FederationAdapter(reaching: HangzhouAdapter())
    let shanghai: FederationAdapter
    let receivedAt = Date(timeIntervalSince1970: 1_583_108_100.5)
    let hangzhouCode = RecognisedCode(issuer: .hangzhou, content: "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F",
                                      holderKey: "01HV8Q6M3T9B5K2X7R4N0C8D1F")

    init() throws {
        shanghai = FederationAdapter(reaching: try S.adapter())
    }

    func json(_ status: Int, _ body: [UInt8], type: String? = "application/json",
              headers: [HTTPField] = []) -> NativeResponse {
        S.response(status, body, contentType: type, headers: headers)
    }

    func failure(_ adapter: FederationAdapter, _ response: NativeResponse) -> HealthgateError? {
        do {
            _ = try adapter.parseVerifyResponse(response, for: hangzhouCode, receivedAt: receivedAt,
                                                pseudonyms: S.pseudonyms)
            return nil
        } catch {
            return error
        }
    }

    @Test func speaksForTheCityItReaches() throws {
        #expect(hangzhou.region == .hangzhou)
        #expect(hangzhou.cityName == "hangzhou")
        #expect(FederationAdapter.kind == "federation")
        #expect(try hangzhou.recognise("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", now: S.now)?.issuer == .hangzhou)
        #expect(try hangzhou.recognise("BJJXXZ|11010520200302000017|20200302081000|7c1e04ab", now: S.now) == nil)
        // Local checks still run: a forged Suishenma token never reaches the peer.
        let forged = try S.token(kid: "nope")
        #expect(throws: HealthgateError.self) { try shanghai.recognise(forged, now: S.now) }
    }

    @Test func verifyRequestIsTheProtocols() throws {
        let id = UUID()
        let request = hangzhou.verifyRequest(for: hangzhouCode, purpose: .checkpoint(.retail), caller: .shanghai,
                                             requestID: id, now: S.now)
        #expect(request.method == "POST")
        #expect(request.path == "/federation/v1/verify")
        #expect(request.header("Content-Type") == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(body == ["qr": "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", "purpose": "checkpoint", "callerRegion": "310000"])
        let transfer = hangzhou.verifyRequest(for: hangzhouCode, purpose: .transfer, caller: .beijing, requestID: id,
                                              now: S.now)
        let transferBody = try #require(try JSONSerialization.jsonObject(with: Data(transfer.body)) as? [String: String])
        #expect(transferBody["purpose"] == "transfer")
        #expect(transferBody["callerRegion"] == "110000")
    }

    @Test func canonicalAnswerIsKeptAsThePeerSaidIt() throws {
        let answer = try hangzhou.parseVerifyResponse(json(200, try S.fixture("federation-verify-yellow.json")),
                                                      for: hangzhouCode, receivedAt: receivedAt, pseudonyms: S.pseudonyms)
        let result = answer.result
        #expect(result.issuer == .hangzhou)
        #expect(result.holder.rawValue == "hg1:3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(result.status == .yellow)
        #expect(result.reasons == [Reason(code: .keyAreaTravel, native: "R12")])
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 8))
        #expect(result.maskedName == "刘*")
        #expect(result.freshness == .live)
        #expect(ChinaTime.formatISO(result.asOf, withMilliseconds: true) == "2020-03-02T08:15:00.412+08:00")
        #expect(answer.holderRef == "01HV8Q6M3T9B5K2X7R4N0C8D1F")
        #expect(answer.idDigest == nil)
    }

    @Test func admitsIsOursNotThePeers() throws {
        let code = S.recognisedCode()
        let answer = try shanghai.parseVerifyResponse(json(200, try S.fixture("federation-verify-green-stale.json")),
                                                      for: code, receivedAt: receivedAt, pseudonyms: S.pseudonyms)
        #expect(answer.result.status == .green)
        #expect(answer.result.freshness == .stale)
        #expect(!answer.result.admits)
        #expect(answer.holderRef == "a3f9c2e17b4d5086")
        #expect(answer.idDigest == "8a0e27eb6b2e75a5b61d4d141e4363b563f43abf2d342797be4d2e4ae367247a")
        let encoded = String(decoding: try JSONEncoder().encode(answer.result), as: UTF8.self)
        #expect(!encoded.contains("武汉"))
    }

    @Test func asOfInTheFutureIsBroughtBack() throws {
        let body = try S.fixture("federation-verify-yellow.json")
        let early = Date(timeIntervalSince1970: 1_583_107_000)
        let answer = try hangzhou.parseVerifyResponse(json(200, body), for: hangzhouCode, receivedAt: early,
                                                      pseudonyms: S.pseudonyms)
        #expect(answer.result.asOf == early)
    }

    @Test func anAnswerForAnotherIssuerIsRefused() throws {
        let error = failure(shanghai, json(200, try S.fixture("federation-verify-yellow.json")))
        #expect(error?.code == .issuerError)
    }

    @Test(arguments: [
        ("code-forged", 422, "code-forged", false),
        ("code-malformed", 400, "code-malformed", false),
        ("code-expired", 410, "code-expired", false),
        ("code-not-found", 404, "code-not-found", false),
        ("issuer-unavailable", 503, "issuer-unavailable", true),
        ("issuer-error", 502, "issuer-error", false),
        ("audit-unavailable", 503, "issuer-unavailable", true),
        ("unauthenticated", 401, "issuer-refused", false),
        ("forbidden", 403, "issuer-refused", false),
        ("bad-request", 400, "issuer-refused", false),
        ("payload-too-large", 413, "issuer-refused", false),
        ("unknown-issuer", 400, "issuer-error", false),
        ("internal-error", 500, "issuer-error", false),
        ("something-new", 400, "issuer-error", false),
        ("https://gateway.example/problems/code-forged", 422, "code-forged", false),
        ("urn:healthgate:code-expired", 410, "code-expired", false),
    ])
    func problemTypes(_ type: String, _ status: Int, _ code: String, _ transient: Bool) {
        let body = Array(#"{"type":"\#(type)","title":"t","status":\#(status),"detail":"刘明 110105199003070017"}"#.utf8)
        let error = failure(hangzhou, json(status, body, type: "application/problem+json"))
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
        // The peer's detail text (which could carry anything) is not copied.
        #expect(error?.detail.contains("110105") == false)
        #expect(error?.detail.contains("刘") == false)
    }

    @Test func problemFixtures() throws {
        let forged = failure(hangzhou, json(422, try S.fixture("federation-problem-code-forged.json"),
                                            type: "application/problem+json"))
        #expect(forged?.code == .codeForged)
        let busy = failure(hangzhou, json(503, try S.fixture("federation-problem-issuer-unavailable.json"),
                                          type: "application/problem+json", headers: [HTTPField("Retry-After", "3")]))
        #expect(busy?.code == .issuerUnavailable)
        #expect(busy?.isTransient == true)
        #expect(busy?.retryAfterSeconds == 3)
    }

    @Test func answersWithoutAProblem() throws {
        let proxy = try S.fixture("beijing-proxy-502.html")
        #expect(failure(hangzhou, json(502, proxy, type: "text/html"))?.isTransient == true)
        #expect(failure(hangzhou, json(429, [], type: nil))?.code == .issuerUnavailable)
        #expect(failure(hangzhou, json(404, Array("Not Found".utf8), type: "text/plain"))?.code == .issuerError)
        #expect(failure(hangzhou, json(200, try S.fixture("federation-verify-yellow.json"), type: "text/html"))?.code
            == .issuerError)
        #expect(failure(hangzhou, json(200, try S.fixture("federation-verify-yellow.json"), type: nil))?.code
            == .issuerError)
    }

    static let garbage: [String] = [
        "", "null", "[]", "{}",
        #"{"issuer":"330100","holder":"not-a-pseudonym","status":"yellow","admits":false,"reasons":[],"asOf":"2020-03-02T08:15:00+08:00","freshness":"live"}"#,
        #"{"issuer":"330100","holder":"hg1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","status":"purple","admits":false,"reasons":[],"asOf":"2020-03-02T08:15:00+08:00","freshness":"live"}"#,
        #"{"issuer":"330100","holder":"hg1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","status":"yellow","admits":false,"reasons":[],"asOf":"yesterday","freshness":"live"}"#,
        #"{"issuer":"330100","holder":"hg1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","status":"yellow","admits":false,"reasons":[],"asOf":"2020-03-02T08:15:00+08:00","freshness":"live","idDigest":"xyz"}"#,
        #"{"issuer":"330100","holder":"hg1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","status":"yellow","admits":false,"reasons":[],"asOf":"2020-03-02T08:15:00+08:00","freshness":"live","holderRef":""}"#,
    ]

    @Test(arguments: garbage)
    func garbageIsIssuerError(_ body: String) {
        #expect(failure(hangzhou, json(200, Array(body.utf8)))?.code == .issuerError)
    }

    @Test func hostileAnswers() {
        var huge = Array(#"{"issuer":"330100","maskedName":""#.utf8)
        huge.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: 10 * 1024 * 1024))
        huge.append(contentsOf: Array(#""}"#.utf8))
        #expect(failure(hangzhou, json(200, huge))?.code == .issuerError)
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(failure(hangzhou, json(200, deep))?.code == .issuerError)
        #expect(failure(hangzhou, json(422, deep, type: "application/problem+json"))?.code == .issuerError)
        #expect(failure(hangzhou, json(503, deep, type: "application/problem+json"))?.code == .issuerUnavailable)
        let truncated = Array(#"{"issuer":"330100","maskedName":"刘"#.utf8).dropLast(1)
        #expect(failure(hangzhou, json(200, Array(truncated)))?.code == .issuerError)
    }

    @Test func vocabularyIsTheCitysOwn() throws {
        let reasons = [Reason(code: .underReview, native: "SH-APPEAL")]
        #expect(hangzhou.translate(reasons) == HangzhouAdapter().translate(reasons))
        let result = VerificationResult(issuer: .hangzhou, holder: S.pseudonyms.pseudonym(issuer: .hangzhou, holderRef: "x"),
                                        status: .red, reasons: [], statusSince: nil, observationEnds: nil,
                                        maskedName: nil, asOf: S.now, freshness: .live)
        #expect(shanghai.render(result) == (try S.adapter()).render(result))
        let id = try ResidentID(validating: "33010619900101123X")
        #expect(shanghai.idDigest(of: id, code: S.recognisedCode(), holderRef: S.sid)
            == "8a0e27eb6b2e75a5b61d4d141e4363b563f43abf2d342797be4d2e4ae367247a")
    }

    @Test func noArrivalsNoNotifications() throws {
        let arrival = ArrivalRegistration(
            requestID: UUID(), idNumber: try ResidentID(validating: "33010619900101123X"), name: "刘明",
            fromRegion: .shanghai, fromStatus: .yellow, fromReasons: [], fromObservationEnds: nil, arrivalTime: S.now)
        let request = hangzhou.arrivalRequest(arrival, caller: .shanghai)
        #expect(request.body.isEmpty)
        #expect(!request.path.contains("33010619900101123X"))
        let arrivalError = #expect(throws: HealthgateError.self) {
            try hangzhou.parseArrivalResponse(NativeResponse(status: 201, headers: [], body: []))
        }
        #expect(arrivalError?.code == .internalError)
        let noteError = #expect(throws: HealthgateError.self) { try hangzhou.parseNotification(Array("{}".utf8)) }
        #expect(noteError?.code == .badRequest)
        #expect(hangzhou.notificationAcknowledgement.status == 204)
    }
}
