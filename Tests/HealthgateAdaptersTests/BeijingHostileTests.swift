import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// Hostile and broken answers: each one a typed, non-transient `issuer-error`, never a crash, nothing expanded.
@Suite struct BeijingHostileTests {
    typealias S = HangzhouBeijingSupport
    let adapter = BeijingAdapter()

    func parseError(_ response: NativeResponse) -> HealthgateError? {
        S.error {
            try adapter.parseVerifyResponse(response, for: try S.beijingCode(), receivedAt: S.receivedAt,
                                            pseudonyms: S.pseudonyms)
        }
    }

    @Test func theBillionLaughsAndXXEVectorIsRefusedUnread() throws {
        let body = try S.fixture("beijing-doctype-attack.xml")
        let error = parseError(S.beijingResponse(body))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
        #expect(error?.detail.contains("root:") == false)
        #expect(error?.detail.contains("aaaa") == false)
        // Also through the arrival parser, and with the prolog in GB18030.
        #expect(S.error { try adapter.parseArrivalResponse(S.beijingResponse(body)) }?.code == .issuerError)
        #expect(parseError(S.beijingResponse(body, contentType: "text/xml; charset=GB18030"))?.code == .issuerError)
    }

    @Test(arguments: ["<!doctype r>", "<!DocType r [ ]>", "<!ENTITY a \"b\">"])
    func anyDoctypeSpellingAnywhereIsRefused(_ declaration: String) {
        let body = "<?xml version=\"1.0\"?>\n<HealthStatusQueryResponse><ReturnCode>0</ReturnCode>\(declaration)</HealthStatusQueryResponse>"
        #expect(parseError(S.beijingResponse(Array(body.utf8)))?.code == .issuerError)
    }

    @Test func aTenMegabyteAnswerIsRefused() throws {
        var body = Array("<HealthStatusQueryResponse><ReturnCode>0</ReturnCode><Padding>".utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        body += Array("</Padding></HealthStatusQueryResponse>".utf8)
        let error = parseError(S.beijingResponse(body))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test func deepNestingIsRefused() {
        let depth = 100_000
        let body = "<HealthStatusQueryResponse>" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "</HealthStatusQueryResponse>"
        #expect(parseError(S.beijingResponse(Array(body.utf8)))?.code == .issuerError)
    }

    @Test func anOverlongValueIsRefused() {
        let body = "<HealthStatusQueryResponse><ReturnCode>" + String(repeating: "0", count: 10_000)
            + "</ReturnCode></HealthStatusQueryResponse>"
        #expect(parseError(S.beijingResponse(Array(body.utf8)))?.code == .issuerError)
    }

    @Test func truncatedUTF8IsRefused() throws {
        let whole = try S.fixture("beijing-query-utf8.xml")
        // Cut inside the first multi-byte character (成 of ReturnMessage).
        let index = try #require(whole.firstIndex { $0 >= 0xE0 })
        #expect(parseError(S.beijingResponse(Array(whole[..<(index + 2)])))?.code == .issuerError)
        // Cut in the middle of the document at a character boundary: not well-formed.
        #expect(parseError(S.beijingResponse(Array(whole[..<(whole.count / 2)])))?.code == .issuerError)
    }

    @Test func truncatedGB18030IsRefused() throws {
        let whole = try S.fixture("beijing-query-gb18030.xml")
        let index = try #require(whole.firstIndex { $0 >= 0x81 })
        let error = parseError(S.beijingResponse(Array(whole[...index]), contentType: "text/xml;charset=GB18030"))
        #expect(error?.code == .issuerError)
    }

    @Test(arguments: ["text/html", "application/json", "text/plain; charset=utf-8", "image/gif", "garbage"])
    func wrongContentTypesAreRefused(_ contentType: String) throws {
        let error = parseError(S.beijingResponse(try S.fixture("beijing-query-utf8.xml"), contentType: contentType))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test(arguments: ["text/xml; charset=Big5", "text/xml; charset=ISO-8859-1", "application/xml; charset=UTF-16"])
    func encodingsBeijingDoesNotUseAreRefused(_ contentType: String) throws {
        #expect(parseError(S.beijingResponse(try S.fixture("beijing-query-utf8.xml"), contentType: contentType))?.code
            == .issuerError)
    }

    @Test func utf16AnswersAreRefused() {
        var body: [UInt8] = [0xFF, 0xFE]
        for unit in "<HealthStatusQueryResponse/>".utf16 { body += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(parseError(S.beijingResponse(body, contentType: nil))?.code == .issuerError)
    }

    @Test(arguments: ["", "0", "{\"ReturnCode\":0}", "<HealthStatusQueryResponse>", "<<<>>>", "\u{0}"])
    func nonXMLIsAnIssuerError(_ body: String) {
        #expect(parseError(S.beijingResponse(Array(body.utf8)))?.code == .issuerError)
    }

    @Test func aByteOrderMarkAndCDATAAreRead() throws {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("""
            <?xml version='1.0' encoding='utf-8'?>
            <HealthStatusQueryResponse><ReturnCode>0</ReturnCode><Result>\
            <CardId>11010520200302000017</CardId><Status><![CDATA[集中观察]]></Status></Result></HealthStatusQueryResponse>
            """.utf8)
        let result = try adapter.parseVerifyResponse(S.beijingResponse(body), for: try S.beijingCode(),
                                                     receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.status == .red)
    }
}
