import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct BeijingRecogniseTests {
    typealias S = HangzhouBeijingSupport
    let adapter = BeijingAdapter()

    @Test(arguments: try S.qrCases("beijing"))
    func vectorCase(_ item: S.QRVector) throws {
        if item.expect == "beijing" {
            let code = try #require(try adapter.recognise(item.qr, now: S.now))
            let generated = ChinaTime.date(year: 2020, month: 3, day: 2, hour: 8, minute: 10)!
            #expect(code.issuer == .beijing)
            #expect(code.content == item.qr)
            #expect(code.holderKey == "11010520200302000017")
            #expect(code.issuedAt == generated)
            #expect(code.validUntil == generated.addingTimeInterval(600))
        } else {
            #expect(S.error { try adapter.recognise(item.qr, now: S.now) }?.code.rawValue == item.expect)
        }
    }

    @Test(arguments: try S.qrCases("unknown") + S.qrCases("hangzhou") + S.qrCases("shanghai"))
    func otherContentIsNotClaimed(_ item: S.QRVector) throws {
        #expect(try adapter.recognise(item.qr, now: S.now) == nil)
    }

    @Test func theWindowIsSixHundredSecondsBackAndSixtyAhead() throws {
        let generated = ChinaTime.date(year: 2020, month: 3, day: 2, hour: 8, minute: 10)!
        for (offset, valid) in [(0.0, true), (600, true), (601, false), (-60, true), (-61, false)] {
            let now = generated.addingTimeInterval(offset)
            if valid {
                #expect(try adapter.recognise(S.beijingQR, now: now) != nil, "\(offset)")
            } else {
                #expect(S.error { try adapter.recognise(S.beijingQR, now: now) }?.code == .codeExpired, "\(offset)")
            }
        }
    }

    @Test(arguments: [
        "BJJXXZ|", "BJJXXZ|11010520200302000017|20200302081000", "BJJXXZ|11010520200302000017|20200302081000|7c1e04ab|x",
        "BJJXXZ|1101052020030200001X|20200302081000|7c1e04ab", "BJJXXZ|110105202003020000171|20200302081000|7c1e04ab",
        "BJJXXZ|11010520200302000017|2020030208100|7c1e04ab", "BJJXXZ|11010520200302000017|20200302241000|7c1e04ab",
        "BJJXXZ|11010520200302000017|20200302086000|7c1e04ab", "BJJXXZ|11010520200302000017|20201302081000|7c1e04ab",
        "BJJXXZ|11010520200302000017|20200302081000|7C1E04AB", "BJJXXZ|11010520200302000017|20200302081000|7c1e04a",
        "BJJXXZ|11010520200302000017|20200302081000|7c1e04ag", "BJJXXZ||20200302081000|7c1e04ab",
        "BJJXXZ|１1010520200302000017|20200302081000|7c1e04ab",
    ])
    func brokenCodesAreMalformed(_ qr: String) {
        #expect(S.error { try adapter.recognise(qr, now: S.now) }?.code == .codeMalformed)
    }

    @Test func leapDayIsARealDate() throws {
        let qr = "BJJXXZ|11010520200302000017|20200229120000|7c1e04ab"
        let now = ChinaTime.date(year: 2020, month: 2, day: 29, hour: 12, minute: 1)!
        #expect(try adapter.recognise(qr, now: now)?.holderKey == "11010520200302000017")
    }
}
