import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct HangzhouRecogniseTests {
    typealias S = HangzhouBeijingSupport
    let adapter = HangzhouAdapter()

    @Test(arguments: try S.qrCases("hangzhou"))
    func vectorCase(_ item: S.QRVector) throws {
        if item.expect == "hangzhou" {
            let code = try #require(try adapter.recognise(item.qr, now: S.now))
            #expect(code.issuer == .hangzhou)
            #expect(code.content == item.qr)
            #expect(code.holderKey == String(item.qr.dropFirst("HZHC2:".count)))
            #expect(code.validUntil == nil, "a Hangzhou token is opaque: its validity cannot be told locally")
            #expect(code.signedStatus == nil)
        } else {
            #expect(S.error { try adapter.recognise(item.qr, now: S.now) }?.code.rawValue == item.expect)
        }
    }

    @Test(arguments: try S.qrCases("unknown") + S.qrCases("beijing") + S.qrCases("shanghai"))
    func otherContentIsNotClaimed(_ item: S.QRVector) throws {
        #expect(try adapter.recognise(item.qr, now: S.now) == nil)
    }

    @Test(arguments: ["hzhc2:01HV8Q6M3T9B5K2X7R4N0C8D1F", "HZHC1:01HV8Q6M3T9B5K2X7R4N0C8D1F", "HZHC2",
                      " HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", "01HV8Q6M3T9B5K2X7R4N0C8D1F"])
    func otherPrefixesAreNotHangzhou(_ qr: String) throws {
        #expect(try adapter.recognise(qr, now: S.now) == nil)
    }

    @Test(arguments: ["HZHC2:", "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1FA", "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1L",
                      "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1O", "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1U",
                      "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1-", "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F ",
                      "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1Ｆ"])
    func brokenTokensAreMalformed(_ qr: String) {
        #expect(S.error { try adapter.recognise(qr, now: S.now) }?.code == .codeMalformed)
    }

    @Test func everyCrockfordCharacterIsAccepted() throws {
        let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        let token = String(alphabet.prefix(26))
        #expect(try adapter.recognise("HZHC2:" + token, now: S.now)?.holderKey == token)
        let tail = String(alphabet.suffix(26))
        #expect(try adapter.recognise("HZHC2:" + tail, now: S.now)?.holderKey == tail)
    }
}
