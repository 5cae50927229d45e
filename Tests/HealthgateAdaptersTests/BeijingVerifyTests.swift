import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct BeijingVerifyTests {
    typealias S = HangzhouBeijingSupport
    let adapter = BeijingAdapter()

    func parse(_ response: NativeResponse) throws -> NativeVerification {
        try adapter.parseVerifyResponse(response, for: try S.beijingCode(), receivedAt: S.receivedAt,
                                        pseudonyms: S.pseudonyms)
    }

    func parseError(_ response: NativeResponse) -> HealthgateError? {
        S.error { try parse(response) }
    }

    // MARK: Request

    @Test func queryRequestIsExactlyTheDocuments() throws {
        let request = adapter.verifyRequest(for: try S.beijingCode(), purpose: .checkpoint(.retail), caller: .shanghai,
                                            requestID: S.requestID,
                                            now: ChinaTime.date(year: 2020, month: 3, day: 2, hour: 8, minute: 15)!)
        #expect(request.method == "POST")
        #expect(request.path == "/jxxz/ws/HealthStatusQuery")
        #expect(request.headers == [HTTPField("Content-Type", "application/xml; charset=UTF-8")])
        #expect(String(decoding: request.body, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <HealthStatusQueryRequest>
              <RequestId>5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d</RequestId>
              <RequestTime>20200302081500</RequestTime>
              <CallerRegion>310000</CallerRegion>
              <QrContent>BJJXXZ|11010520200302000017|20200302081000|7c1e04ab</QrContent>
              <Purpose>checkpoint</Purpose>
            </HealthStatusQueryRequest>

            """)
    }

    @Test func transferPurposeIsTransfer() throws {
        let request = adapter.verifyRequest(for: try S.beijingCode(), purpose: .transfer, caller: .hangzhou,
                                            requestID: S.requestID, now: S.now)
        let text = String(decoding: request.body, as: UTF8.self)
        #expect(text.contains("<Purpose>transfer</Purpose>"))
        #expect(text.contains("<RequestTime>20200302081320</RequestTime>"))
        #expect(text.contains("<CallerRegion>330100</CallerRegion>"))
    }

    @Test func contentIsXMLEscaped() {
        let code = RecognisedCode(issuer: .beijing, content: "BJJXXZ|<a>&'\"", holderKey: "1")
        let text = String(decoding: adapter.verifyRequest(for: code, purpose: .transfer, caller: .hangzhou,
                                                          requestID: S.requestID, now: S.now).body, as: UTF8.self)
        #expect(text.contains("<QrContent>BJJXXZ|&lt;a&gt;&amp;&apos;&quot;</QrContent>"))
    }

    // MARK: ReturnCode 0

    func expectVectorResult(_ verification: NativeVerification) {
        let result = verification.result
        #expect(result.issuer == .beijing)
        #expect(result.holder == S.pseudonyms.pseudonym(issuer: .beijing, holderRef: S.beijingCard))
        #expect(result.status == .yellow)
        #expect(!result.admits)
        #expect(result.reasons == [Reason(code: .keyAreaTravel, native: "1")])
        #expect(result.statusSince == ChinaTime.date(year: 2020, month: 2, day: 29, hour: 9))
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 14))
        #expect(result.maskedName == "王*")
        #expect(result.asOf == S.receivedAt)
        #expect(result.freshness == .live)
        #expect(verification.holderRef == S.beijingCard)
        #expect(verification.idDigest == nil)
    }

    @Test func theUTF8VectorBecomesTheCanonicalResult() throws {
        expectVectorResult(try parse(S.beijingResponse(try S.fixture("beijing-query-utf8.xml"))))
    }

    @Test(arguments: ["text/xml;charset=GB18030", "text/xml", nil, "application/xml; charset=\"gbk\""])
    func theGB18030VectorReadsTheSame(_ contentType: String?) throws {
        expectVectorResult(try parse(S.beijingResponse(try S.fixture("beijing-query-gb18030.xml"),
                                                       contentType: contentType)))
    }

    @Test func gb18030DeclaredOnlyByContentTypeReadsTheSame() throws {
        let bytes = try S.fixture("beijing-query-gb18030.xml")
        let end = try #require(bytes.firstIndex(of: UInt8(ascii: ">")))
        let withoutProlog = Array(bytes[(end + 1)...])
        expectVectorResult(try parse(S.beijingResponse(withoutProlog, contentType: "text/xml;charset=GB18030")))
        // Without any declaration the bytes are read as UTF-8, which they are not: refused, not misread.
        #expect(parseError(S.beijingResponse(withoutProlog, contentType: "text/xml"))?.code == .issuerError)
    }

    @Test func aWrongContentTypeCharsetFallsBackToTheProlog() throws {
        expectVectorResult(try parse(S.beijingResponse(try S.fixture("beijing-query-gb18030.xml"),
                                                       contentType: "application/xml; charset=UTF-8")))
    }

    @Test func reorderedAndUnknownElementsAreIgnored() throws {
        let result = try parse(S.beijingResponse(try S.fixture("beijing-query-reordered-unknown.xml"))).result
        #expect(result.status == .red)
        #expect(result.reasons == [Reason(code: .closeContact, native: "2")])
        #expect(result.observationEnds == LocalDate(year: 2020, month: 3, day: 16))
        #expect(result.statusSince == ChinaTime.date(year: 2020, month: 3, day: 2, hour: 7))
        #expect(result.maskedName == "王*")
    }

    @Test func locationAndExplanationNeverLeaveTheParser() throws {
        for name in ["beijing-query-utf8.xml", "beijing-query-gb18030.xml", "beijing-query-reordered-unknown.xml",
                     "beijing-query-transfer.xml"] {
            let verification = try parse(S.beijingResponse(try S.fixture(name), contentType: nil))
            let encoded = String(decoding: try JSONEncoder().encode(verification.result), as: UTF8.self)
            for leak in ["朝阳", "社区", "旅居", "外地", "District", "Explanation", "010-", "TraceNo",
                         S.beijingCard] {
                #expect(!encoded.contains(leak), "\(name): \(leak)")
            }
            #expect(!String(describing: verification).contains("朝阳"), "\(name)")
        }
    }

    @Test func aGreenWithoutPopupIsNone() throws {
        let result = try parse(S.beijingResponse(try S.fixture("beijing-query-green-no-popup.xml"))).result
        #expect(result.status == .green)
        #expect(result.admits)
        #expect(result.reasons == [Reason(code: .none, native: nil)])
        #expect(result.observationEnds == nil)
    }

    @Test func pendingWithAnUnknownPopupKeepsItAsOther() throws {
        let result = try parse(S.beijingResponse(try S.fixture("beijing-query-pending-unknown-popup.xml"))).result
        #expect(result.status == .pending)
        #expect(result.reasons == [Reason(code: .other, native: "7")])
        #expect(result.maskedName == nil)
        #expect(result.statusSince == nil)
    }

    @Test func noRecordIsUnknownWithNoReasons() throws {
        let result = try parse(S.beijingResponse(try S.fixture("beijing-query-no-record.xml"))).result
        #expect(result.status == .unknown)
        #expect(result.reasons.isEmpty)
    }

    static func answer(status: String = "居家观察", popup: String? = nil, extra: String = "") -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <HealthStatusQueryResponse><ReturnCode>0</ReturnCode><Result><CardId>11010520200302000017</CardId>\
            <Status>\(status)</Status>\(popup.map { "<Popup>\($0)</Popup>" } ?? "")\(extra)</Result>\
            </HealthStatusQueryResponse>
            """.utf8)
    }

    @Test(arguments: [("未见异常", HealthStatus.green), ("居家观察", .yellow), ("集中观察", .red), ("核验中", .pending),
                      ("暂无信息", .unknown), ("  居家观察\n ", .yellow)])
    func everyStatusWordOfTheDocument(_ word: String, _ status: HealthStatus) throws {
        #expect(try parse(S.beijingResponse(Self.answer(status: word))).result.status == status)
    }

    @Test(arguments: [("1", CanonicalReason.keyAreaTravel), ("2", .closeContact), ("3", .confirmedOrSuspected),
                      ("4", .medicalObservation), ("5", .authorityDecision), ("6", .other), ("x", .other)])
    func everyPopupOfTheDocument(_ popup: String, _ canonical: CanonicalReason) throws {
        #expect(try parse(S.beijingResponse(Self.answer(popup: popup))).result.reasons
            == [Reason(code: canonical, native: popup)])
    }

    // MARK: The ReturnCode table, row by row

    @Test(arguments: [
        ("beijing-query-1001.xml", "code-not-found", false),
        ("beijing-query-1002.xml", "code-expired", false),
        ("beijing-query-1003.xml", "issuer-refused", false),
        ("beijing-query-1004.xml", "issuer-error", false),
        ("beijing-query-2001.xml", "issuer-unavailable", true),
        ("beijing-query-9001.xml", "issuer-error", false),
    ])
    func everyReturnCodeRow(_ fixture: String, _ code: String, _ transient: Bool) throws {
        let error = parseError(S.beijingResponse(try S.fixture(fixture)))
        #expect(error?.code.rawValue == code)
        #expect(error?.isTransient == transient)
    }

    @Test func busyAsksForOneRetryNoSoonerThan200ms() throws {
        let error = parseError(S.beijingResponse(try S.fixture("beijing-query-2001.xml")))
        #expect(error?.retryAfterMilliseconds == 200)
    }

    @Test(arguments: [("beijing-proxy-502.html", 502), ("beijing-proxy-503.html", 503)])
    func theFrontProxysHTMLIsATransientTransportFailure(_ fixture: String, _ status: Int) throws {
        let error = parseError(S.beijingResponse(try S.fixture(fixture), status: status, contentType: "text/html"))
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.isTransient == true)
        #expect(error?.detail.contains("html") == false)
    }

    @Test func theProxysHTMLWithA200IsAnIssuerErrorNotAParseCrash() throws {
        for contentType in ["text/html", nil] {
            let error = parseError(S.beijingResponse(try S.fixture("beijing-proxy-502.html"), contentType: contentType))
            #expect(error?.code == .issuerError)
            #expect(error?.isTransient == false)
        }
    }

    @Test(arguments: [
        Array("<HealthStatusQueryResponse><ReturnCode>0</ReturnCode></HealthStatusQueryResponse>".utf8),
        Array("<HealthStatusQueryResponse><Result><Status>未见异常</Status></Result></HealthStatusQueryResponse>".utf8),
        Array("<ArrivalRegisterResponse><ReturnCode>0</ReturnCode><Result><Status>未见异常</Status></Result></ArrivalRegisterResponse>".utf8),
        answer(status: "绿码"),
        answer(status: ""),
        answer(extra: "<StatusTime>20200230090000</StatusTime>"),
        answer(extra: "<ObservationEnd>2020-03-14</ObservationEnd>"),
        answer(extra: "<IdDigest>NOTHEX</IdDigest>"),
        answer(extra: "<CardId>11010520200302000099</CardId>"),
        Array("<HealthStatusQueryResponse><ReturnCode>0</ReturnCode><Result><CardId>11010520200302000099</CardId><Status>未见异常</Status></Result></HealthStatusQueryResponse>".utf8),
        Array("<HealthStatusQueryResponse><ReturnCode>0</ReturnCode><ReturnCode>1001</ReturnCode></HealthStatusQueryResponse>".utf8),
        Array("<HealthStatusQueryResponse><ReturnCode>0</ReturnCode><Result><Status>未见异常</Status></Result><Result/></HealthStatusQueryResponse>".utf8),
    ])
    func answersOutsideTheDocumentAreIssuerErrors(_ body: [UInt8]) {
        let error = parseError(S.beijingResponse(body))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    // MARK: Transfer identity check

    @Test func transferAnswerCarriesTheDigestWhichMatchesOnlyTheRightID() throws {
        let code = try S.beijingCode()
        let verification = try parse(S.beijingResponse(try S.fixture("beijing-query-transfer.xml")))
        let sent = try #require(verification.idDigest)
        let right = adapter.idDigest(of: try ResidentID(validating: "110105199003070017"), code: code,
                                     holderRef: verification.holderRef)
        #expect(right == "b0b26dcc6ffac2ac63de9d686f6ed62158b35c07961d3e88eee0314629ad8cbc")
        #expect(TransferDigest.matches(issuerDigest: sent, computed: right))
        let wrong = adapter.idDigest(of: try ResidentID(validating: "33010619900101123X"), code: code,
                                     holderRef: verification.holderRef)
        #expect(!TransferDigest.matches(issuerDigest: sent, computed: wrong))
    }
}
