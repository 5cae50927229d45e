import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// What `healthgate inspect` explains offline: a code's own signed status, as a signature-only answer.
@Suite struct RecognisedCodeExplanationTests {
    typealias S = ShanghaiTestSupport

    @Test func shanghaiCodeExplainsItsSignedStatus() throws {
        let qr = try #require(QRRecogniserTests.allCases.first { $0.expect == "valid" }?.qr)
        let code = try QRRecogniserTests.recogniser().recognise(qr, now: S.now)
        let shanghai = IssuingCity(region: .shanghai, support: SupportContact(phone: "12345"))
        let zh = try #require(code.ownExplanation(issuer: shanghai, language: .chinese, now: S.now))
        #expect(zh.text == "未能实时联系上海，以下为健康码生成时（13 分钟前）码内签名的状态。绿码：未见异常。")
        #expect(zh.whatNext == "请在上海恢复联系后再扫码确认。")
        let en = try #require(code.ownExplanation(issuer: shanghai, language: .english, now: S.now))
        #expect(en.text == "Shanghai could not be asked live; this is the status signed into the code when it was made "
            + "(13 minutes ago). Green: nothing abnormal.")
    }

    @Test func codesWithoutAStatusHaveNoExplanation() throws {
        let recogniser = try QRRecogniserTests.recogniser()
        for qr in ["HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", "BJJXXZ|11010520200302000017|20200302081000|7c1e04ab"] {
            let code = try recogniser.recognise(qr, now: S.now)
            #expect(code.ownExplanation(issuer: IssuingCity(region: code.issuer), language: .chinese, now: S.now) == nil)
        }
    }

    @Test func inspectionCarriesTheExplanationAsAnObject() throws {
        let qr = try #require(QRRecogniserTests.allCases.first { $0.expect == "valid" }?.qr)
        var inspection = try QRRecogniserTests.recogniser().inspect(qr, now: S.now)
        inspection.encodedMembers["explanation"] = #"{"lang":"zh-CN"}"#
        #expect(inspection.json.contains(#","explanation":{"lang":"zh-CN"},"holderKey":"#))
        let parsed = try JSONSerialization.jsonObject(with: Data(inspection.json.utf8)) as? [String: Any]
        #expect((parsed?["explanation"] as? [String: Any])?["lang"] as? String == "zh-CN")
    }
}
