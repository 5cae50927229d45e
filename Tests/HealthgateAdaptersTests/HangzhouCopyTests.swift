import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// A copy of Hangzhou's platform (hangzhou.md: region, QR prefix, address differ; everything else is Hangzhou's).
@Suite struct HangzhouCopyTests {
    let wenzhou = HangzhouAdapter(region: RegionCode(rawValue: "330300")!, qrPrefix: "WZHC2:", cityName: "wenzhou")
    let token = "01HV8Q6M3T9B5K2X7R4N0C8D1F"

    @Test("each copy claims its own prefix only; the recogniser sends each code to its city")
    func sideBySide() throws {
        let recogniser = QRRecogniser(adapters: [HangzhouAdapter(), wenzhou])
        let wz = try recogniser.recognise("WZHC2:" + token, now: Date())
        #expect(wz.issuer.rawValue == "330300")
        #expect(wz.holderKey == token)
        let hz = try recogniser.recognise("HZHC2:" + token, now: Date())
        #expect(hz.issuer == .hangzhou)
        #expect(try wenzhou.recognise("HZHC2:" + token, now: Date()) == nil)
        #expect(try HangzhouAdapter().recognise("WZHC2:" + token, now: Date()) == nil)
        #expect(throws: HealthgateError.self) { try recogniser.recognise("NBHC2:" + token, now: Date()) }
        #expect(recogniser.inspect("WZHC2:" + token, now: Date()).fields["city"] == .string("wenzhou"))
    }

    @Test("a malformed token behind the copy's prefix is code-malformed, naming that prefix")
    func malformed() {
        do {
            _ = try wenzhou.recognise("WZHC2:" + token.lowercased(), now: Date())
            Issue.record("accepted")
        } catch {
            #expect(error.code == .codeMalformed)
        }
        do {
            _ = try wenzhou.recognise("WZHC2:SHORT", now: Date())
            Issue.record("accepted")
        } catch {
            #expect(error.detail.contains("WZHC2:"))
        }
    }

    @Test("the copy's answers carry its own region; its notifications name it as the issuer")
    func region() throws {
        let note = #"{"notify_type":"COLOR_CHANGED","city_code":"310000","holder_ref":"9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d","code_color":"red","color_time":"2020-03-02 11:20:00"}"#
        let event = try wenzhou.parseNotification(Array(note.utf8))
        #expect(event.issuer.rawValue == "330300")
    }

    @Test("prefix shapes", arguments: [("HZHC2:", true), ("WZHC2:", true), ("NB0C2:", true), ("HZHC3:", false), ("wzhc2:", false),
                                        ("WZHC1:", false), ("WZHC2", false), ("WZHCX2:", false), ("WZ C2:", false)])
    func prefixShape(prefix: String, valid: Bool) {
        #expect(HangzhouAdapter.isValidQRPrefix(prefix) == valid)
    }
}
