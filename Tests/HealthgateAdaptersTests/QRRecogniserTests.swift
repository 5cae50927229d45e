import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct QRRecogniserTests {
    typealias S = ShanghaiTestSupport

    static func recogniser() throws -> QRRecogniser {
        QRRecogniser(adapters: [HangzhouAdapter(), try S.adapter(), BeijingAdapter()])
    }

    static let allCases: [S.QRCase] = (try? ["shanghai", "hangzhou", "beijing", "unknown"].flatMap(S.qrCases)) ?? []

    @Test func everyVectorIsLoaded() {
        #expect(Self.allCases.count == 17)
    }

    @Test(arguments: allCases)
    func vectorCase(_ item: S.QRCase) throws {
        let recogniser = try Self.recogniser()
        switch item.expect {
        case "valid", "hangzhou", "beijing":
            let code = try recogniser.recognise(item.qr, now: S.now)
            let expected: RegionCode = item.expect == "hangzhou" ? .hangzhou : item.expect == "beijing" ? .beijing : .shanghai
            #expect(code.issuer == expected)
            #expect(code.content == item.qr)
            if let sid = item.sid { #expect(code.holderKey == sid) }
            if let st = item.st { #expect(code.signedStatus == ShanghaiStatusCode.status(st)) }
        default:
            let error = #expect(throws: HealthgateError.self) { try recogniser.recognise(item.qr, now: S.now) }
            #expect(error?.code.rawValue == item.expect)
        }
    }

    @Test func adapterOrderDoesNotMatter() throws {
        let reversed = QRRecogniser(adapters: [BeijingAdapter(), try S.adapter(), HangzhouAdapter()])
        let forward = try Self.recogniser()
        for item in Self.allCases {
            let a = Result { () throws(HealthgateError) in try forward.recognise(item.qr, now: S.now) }
            let b = Result { () throws(HealthgateError) in try reversed.recognise(item.qr, now: S.now) }
            #expect(a.map(\.issuer) == b.map(\.issuer))
        }
    }

    @Test(arguments: ["", " ", "\n\t ", "\u{3000}", "\u{00A0}\u{2003}"])
    func blankIsMalformed(_ qr: String) throws {
        let error = #expect(throws: HealthgateError.self) { try Self.recogniser().recognise(qr, now: S.now) }
        #expect(error?.code == .codeMalformed)
    }

    @Test func longerThanFourKiBIsMalformed() throws {
        let recogniser = try Self.recogniser()
        for qr in [String(repeating: "x", count: 4097), "SSM1." + String(repeating: "A", count: 10_000_000),
                   String(repeating: "汉", count: 1366)] {
            let error = #expect(throws: HealthgateError.self) { try recogniser.recognise(qr, now: S.now) }
            #expect(error?.code == .codeMalformed)
        }
        // 4 KiB of an unknown shape is merely unknown.
        let error = #expect(throws: HealthgateError.self) {
            try recogniser.recognise(String(repeating: "x", count: 4096), now: S.now)
        }
        #expect(error?.code == .unknownIssuer)
    }

    @Test func onlyConfiguredCitiesAreKnown() throws {
        let shanghaiOnly = QRRecogniser(adapters: [try S.adapter()])
        let error = #expect(throws: HealthgateError.self) {
            try shanghaiOnly.recognise("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", now: S.now)
        }
        #expect(error?.code == .unknownIssuer)
        #expect(shanghaiOnly.adapter(for: .shanghai)?.cityName == "shanghai")
        #expect(shanghaiOnly.adapter(for: .beijing) == nil)
    }

    @Test func federatedCitiesAreRecognisedToo() throws {
        let recogniser = QRRecogniser(adapters: [FederationAdapter(reaching: HangzhouAdapter()),
                                                 FederationAdapter(reaching: try S.adapter())])
        #expect(try recogniser.recognise("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", now: S.now).issuer == .hangzhou)
        #expect(try recogniser.recognise(try S.token(), now: S.now).issuer == .shanghai)
    }

    @Test func hostileContent() throws {
        let recogniser = try Self.recogniser()
        for qr in ["SSM1.\u{0}.\u{0}", "HZHC2:\u{FFFD}", "BJJXXZ|||", "BJJXXZ|" + String(repeating: "|", count: 4000),
                   String(decoding: [0xE5, 0x88] as [UInt8], as: UTF8.self)] {
            #expect(throws: HealthgateError.self) { try recogniser.recognise(qr, now: S.now) }
        }
    }

    // MARK: inspect

    @Test func inspectShanghai() throws {
        let qr = try #require(Self.allCases.first { $0.expect == "valid" }?.qr)
        let inspection = try Self.recogniser().inspect(qr, now: S.now)
        #expect(inspection.error == nil)
        #expect(inspection.json == #"{"city":"shanghai","holderKey":"a3f9c2e17b4d5086","issuedAt":"2020-03-02T08:00:00+08:00","issuer":"310000","kid":"ssm-test-1","signedStatus":"green","signedStatusNative":0,"validUntil":"2020-03-02T09:00:00+08:00"}"#)
    }

    @Test func inspectOtherCities() throws {
        let recogniser = try Self.recogniser()
        let hangzhou = recogniser.inspect("HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", now: S.now)
        #expect(hangzhou.fields["issuer"] == .string("330100"))
        #expect(hangzhou.fields["city"] == .string("hangzhou"))
        let beijing = recogniser.inspect("BJJXXZ|11010520200302000017|20200302081000|7c1e04ab", now: S.now)
        #expect(beijing.fields["issuer"] == .string("110000"))
        #expect(beijing.fields["city"] == .string("beijing"))
        #expect(beijing.fields["validUntil"] == .string("2020-03-02T08:20:00+08:00"))
    }

    @Test func inspectFailure() throws {
        let inspection = try Self.recogniser().inspect("GDSKM:123456", now: S.now)
        #expect(inspection.error?.code == .unknownIssuer)
        #expect(inspection.json.hasPrefix(#"{"detail":"#))
        #expect(inspection.json.contains(#""error":"unknown-issuer""#))
        let parsed = try JSONSerialization.jsonObject(with: Data(inspection.json.utf8)) as? [String: String]
        #expect(parsed?["error"] == "unknown-issuer")
    }
}
