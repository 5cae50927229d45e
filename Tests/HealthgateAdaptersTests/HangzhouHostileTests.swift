import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// Hostile and broken answers: each one a typed, non-transient `issuer-error`, never a crash.
@Suite struct HangzhouHostileTests {
    typealias S = HangzhouBeijingSupport
    let adapter = HangzhouAdapter()

    func parse(_ response: NativeResponse) -> HealthgateError? {
        S.error {
            try adapter.parseVerifyResponse(response, for: try S.hangzhouCode(), receivedAt: S.receivedAt,
                                            pseudonyms: S.pseudonyms)
        }
    }

    @Test func aTenMegabyteAnswerIsRefused() throws {
        var body = Array(#"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","pad":""#.utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        body += Array(#""}}"#.utf8)
        let error = parse(S.hangzhouResponse(body))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test func hundredThousandDeepNestingIsRefused() {
        for opener in ["[", "{\"a\":"] {
            let closer = opener == "[" ? "]" : "}"
            let text = "{\"result_code\":\"SUCCESS\",\"data\":" + String(repeating: opener, count: 100_000) + "1"
                + String(repeating: closer, count: 100_000) + "}"
            let error = parse(S.hangzhouResponse(Array(text.utf8)))
            #expect(error?.code == .issuerError)
        }
    }

    @Test func nestingJustUnderTheGuardStillReachesTheDecoderAndFailsTyped() {
        let text = String(repeating: "[", count: BodyGuard.maxJSONDepth) + String(repeating: "]", count: BodyGuard.maxJSONDepth)
        #expect(parse(S.hangzhouResponse(Array(text.utf8)))?.code == .issuerError)
    }

    @Test func bracketsInsideStringsDoNotCountAsNesting() throws {
        let name = String(repeating: "[{", count: 200)
        let text = #"{"result_code":"SUCCESS","data":{"code_color":"green","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","user_name":"\#(name)\"}"}}"#
        let result = try adapter.parseVerifyResponse(S.hangzhouResponse(Array(text.utf8)), for: try S.hangzhouCode(),
                                                     receivedAt: S.receivedAt, pseudonyms: S.pseudonyms).result
        #expect(result.maskedName == name + "\"}")
    }

    @Test func truncatedUTF8IsRefused() throws {
        let whole = try S.fixture("hangzhou-verify-yellow.json")
        // Cut inside the three-byte 刘 of "user_name".
        let index = try #require(whole.firstIndex(of: 0xE5))
        #expect(parse(S.hangzhouResponse(Array(whole[..<(index + 1)])))?.code == .issuerError)
        // Invalid UTF-8 inside an otherwise complete document.
        var broken = whole
        broken[index + 1] = 0x41
        #expect(parse(S.hangzhouResponse(broken))?.code == .issuerError)
    }

    @Test(arguments: ["text/html", "text/html; charset=utf-8", "application/xml", "image/png",
                      "application/json; charset=GBK", "nonsense"])
    func wrongContentTypesAreRefused(_ contentType: String) throws {
        let error = parse(S.hangzhouResponse(try S.fixture("hangzhou-verify-yellow.json"), contentType: contentType))
        #expect(error?.code == .issuerError)
        #expect(error?.isTransient == false)
    }

    @Test(arguments: ["<html><body>200 OK</body></html>", "", "SUCCESS", "{\"result_code\":", "\u{0}\u{0}"])
    func nonJSONIsAnIssuerError(_ body: String) {
        #expect(parse(S.hangzhouResponse(Array(body.utf8)))?.code == .issuerError)
    }

    @Test func anAbsentContentTypeIsReadAsJSON() throws {
        let result = try adapter.parseVerifyResponse(S.hangzhouResponse(try S.fixture("hangzhou-verify-yellow.json"),
                                                                        contentType: nil),
                                                     for: try S.hangzhouCode(), receivedAt: S.receivedAt,
                                                     pseudonyms: S.pseudonyms).result
        #expect(result.status == .yellow)
    }
}
