import Foundation
import HealthgateModel
import Testing

/// Explanations beyond the golden table: the issue's own examples, freshness, whom to ask, dates, other codes, and
/// what an explanation must never say.
@Suite struct ExplanationTests {
    static let now = ExplanationGoldenTests.now
    static let hangzhou = IssuingCity(region: .hangzhou, configuredName: "hangzhou")

    static func yellow(freshness: Freshness = .live, asOf: Date = now, reasons: [Reason]? = nil,
                       end: LocalDate? = LocalDate(year: 2026, month: 12, day: 9)) -> VerificationResult {
        VerificationResult(
            issuer: .hangzhou, holder: PseudonymKey(bytes: Array(repeating: 7, count: 32))!
                .pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d"),
            status: .yellow, reasons: reasons ?? [Reason(code: .keyAreaTravel, native: "R12")], statusSince: asOf,
            observationEnds: end, maskedName: "刘*", asOf: asOf, freshness: freshness)
    }

    @Test("a yellow Hangzhou code: the issue's sentences, word for word")
    func issueExamples() {
        let zh = Explanation(Self.yellow(), issuer: Self.hangzhou, language: .chinese, now: Self.now)
        #expect(zh.text == "黄码：近14天有重点地区旅居史，观察期至12月9日（含）。")
        let en = Explanation(Self.yellow(), issuer: Self.hangzhou, language: .english, now: Self.now)
        #expect(en.text == "Yellow: recent travel to a key area; observation until 9 December (inclusive).")
    }

    @Test("stale and signature-only answers say so, with the age")
    func degraded() {
        let stale = Self.yellow(freshness: .stale, asOf: Self.now.addingTimeInterval(-200))
        #expect(Explanation(stale, issuer: Self.hangzhou, language: .chinese, now: Self.now).text
            == "杭州暂时无法联系，以下为 3 分钟前的结果。黄码：近14天有重点地区旅居史，观察期至12月9日（含）。")
        #expect(Explanation(stale, issuer: Self.hangzhou, language: .english, now: Self.now).text
            == "Hangzhou cannot be reached right now; this is its answer from 3 minutes ago. "
            + "Yellow: recent travel to a key area; observation until 9 December (inclusive).")

        let shanghai = IssuingCity(region: .shanghai)
        let signed = Explanation(status: .green, reasons: Reason.absent(for: .green), observationEnds: nil,
                                 freshness: .signatureOnly, asOf: Self.now.addingTimeInterval(-60), issuer: shanghai,
                                 language: .chinese, now: Self.now)
        #expect(signed.text == "未能实时联系上海，以下为健康码生成时（1 分钟前）码内签名的状态。绿码：未见异常。")
        #expect(signed.whatNext == "请在上海恢复联系后再扫码确认。")
        let signedEnglish = Explanation(status: .green, reasons: [], observationEnds: nil, freshness: .signatureOnly,
                                        asOf: Self.now.addingTimeInterval(-3 * 3600), issuer: shanghai,
                                        language: .english, now: Self.now)
        #expect(signedEnglish.text == "Shanghai could not be asked live; this is the status signed into the code when "
            + "it was made (3 hours ago). Green: nothing abnormal.")
        #expect(signedEnglish.whatNext == "Scan again once Shanghai can be reached.")
        // A cached answer is within the city's freshness budget: nothing to add.
        #expect(!Explanation(Self.yellow(freshness: .cached), issuer: Self.hangzhou, language: .chinese, now: Self.now)
            .text.contains("前"))
    }

    @Test("ages in minutes, hours and days, singular and plural")
    func ages() {
        let en = ExplanationLanguage.english.words, zh = ExplanationLanguage.chinese.words
        #expect(en.age(seconds: 5) == "1 minute")
        #expect(en.age(seconds: 61) == "1 minute")
        #expect(en.age(seconds: 150) == "2 minutes")
        #expect(en.age(seconds: 3 * 3600) == "3 hours")
        #expect(en.age(seconds: 3 * 86400) == "3 days")
        #expect(zh.age(seconds: 200) == "3 分钟")
        #expect(zh.age(seconds: 5 * 3600) == "5 小时")
        #expect(zh.age(seconds: -30) == "1 分钟")
    }

    @Test("dates in each language's own form; the year only when it is not this year")
    func dates() {
        let nextYear = LocalDate(year: 2027, month: 1, day: 5)!
        #expect(ExplanationLanguage.chinese.words.date(nextYear, thisYear: 2026) == "2027年1月5日")
        #expect(ExplanationLanguage.english.words.date(nextYear, thisYear: 2026) == "5 January 2027")
        #expect(ExplanationLanguage.chinese.words.date(nextYear, thisYear: 2027) == "1月5日")
        #expect(ExplanationLanguage.english.words.date(LocalDate(year: 2026, month: 3, day: 8)!, thisYear: 2026)
            == "8 March")
    }

    @Test("the support contact appears only when configured, in the traveller's language")
    func supportContact() {
        let red = Self.yellow()
        func whatNext(_ support: SupportContact?, _ language: ExplanationLanguage) -> String {
            Explanation(red, issuer: IssuingCity(region: .hangzhou, support: support), language: language,
                        now: Self.now).whatNext
        }
        #expect(whatNext(nil, .chinese) == "如认为颜色有误，请联系杭州健康码服务。")
        #expect(whatNext(SupportContact(), .chinese) == "如认为颜色有误，请联系杭州健康码服务。")
        #expect(whatNext(SupportContact(phone: "12345"), .chinese) == "如认为颜色有误，请联系杭州健康码服务：电话 12345。")
        #expect(whatNext(SupportContact(url: "https://hangzhou.example/code"), .chinese)
            == "如认为颜色有误，请联系杭州健康码服务：网址 https://hangzhou.example/code。")
        let both = SupportContact(phone: "12345", url: "https://hangzhou.example/code")
        #expect(whatNext(both, .chinese) == "如认为颜色有误，请联系杭州健康码服务：电话 12345，网址 https://hangzhou.example/code。")
        #expect(whatNext(both, .english) == "If you believe the colour is wrong, contact Hangzhou's health-code "
            + "service: phone 12345, web https://hangzhou.example/code.")
        #expect(whatNext(nil, .english) == "If you believe the colour is wrong, contact Hangzhou's health-code service.")
        // A fresh green needs no one; pending and unknown name the contact too.
        let green = Explanation(status: .green, reasons: [], observationEnds: nil, freshness: .live, asOf: Self.now,
                                issuer: IssuingCity(region: .hangzhou, support: both), language: .chinese, now: Self.now)
        #expect(green.whatNext == "无需处理。")
        let unknown = Explanation(status: .unknown, reasons: [], observationEnds: nil, freshness: .live, asOf: Self.now,
                                  issuer: IssuingCity(region: .beijing, support: SupportContact(phone: "12345")),
                                  language: .english, now: Self.now)
        #expect(unknown.text == "No record: Beijing has no record for this code's holder.")
        #expect(unknown.whatNext == "Apply for a health code with Beijing first, then scan again. If in doubt, contact "
            + "Beijing's health-code service: phone 12345.")
    }

    @Test("other: the issuer's code, said honestly; a code unfit to read out is withheld")
    func otherReason() {
        let words = ExplanationLanguage.chinese.words
        #expect(words.word(for: Reason(code: .other, native: "SH-NEWRULE")) == "签发城市给出了本网关没有说明的原因（原代码 SH-NEWRULE）")
        #expect(words.word(for: Reason(code: .other, native: nil)) == "签发城市给出了本网关没有说明的原因（未附代码）")
        for unfit in ["330106199001011234", "13800138000", "刘明", "R 12", String(repeating: "A", count: 33), "{city}"] {
            #expect(words.word(for: Reason(code: .other, native: unfit)) == "签发城市给出了本网关没有说明的原因（原代码不予显示）")
        }
        #expect(ExplanationLanguage.english.words.word(for: Reason(code: .other, native: "7"))
            == "a reason the issuing city gave that this gateway has no words for (issuer's code 7)")
    }

    @Test("several reasons, no reason, and a city the table has no name for")
    func reasonsAndCities() {
        let two = Self.yellow(reasons: [Reason(code: .keyAreaTravel, native: "R12"), Reason(code: .closeContact, native: "R11")])
        let zh = Explanation(two, issuer: Self.hangzhou, language: .chinese, now: Self.now)
        #expect(zh.text == "黄码：近14天有重点地区旅居史；被判定为密切接触者，观察期至12月9日（含）。")
        #expect(zh.reasons == ["近14天有重点地区旅居史", "被判定为密切接触者"])
        let wuhan = IssuingCity(region: RegionCode(rawValue: "420100")!, configuredName: "wuhan")
        let none = Explanation(Self.yellow(reasons: [], end: nil), issuer: wuhan, language: .english, now: Self.now)
        #expect(none.text == "Yellow: wuhan gave no reason.")
        #expect(none.observationEnds == nil)
        #expect(IssuingCity(region: RegionCode(rawValue: "420100")!).name(in: .chinese) == "420100")
        #expect(Self.hangzhou.name(in: .chinese) == "杭州")
        #expect(IssuingCity(region: .beijing, configuredName: "peking").name(in: .english) == "Beijing")
    }

    @Test("no explanation contains the holder's masked name, pseudonym or an ID number")
    func nothingPersonal() throws {
        let idNumber = "330106199001011234"
        for status in HealthStatus.allCases {
            for reason in CanonicalReason.allCases {
                for freshness in [Freshness.live, .cached, .stale, .signatureOnly] {
                    var result = Self.yellow(freshness: freshness, asOf: Self.now.addingTimeInterval(-90),
                                             reasons: [Reason(code: reason, native: reason == .other ? idNumber : "R12")])
                    result.status = status
                    for language in ExplanationLanguage.allCases {
                        let explanation = Explanation(result, issuer: Self.hangzhou, language: language, now: Self.now)
                        let all = try String(decoding: JSONEncoder().encode(explanation), as: UTF8.self)
                        #expect(!all.contains(idNumber))
                        #expect(!all.contains("刘"))
                        #expect(!all.contains(result.holder.rawValue))
                        #expect(!all.contains("hg1:"))
                        #expect(all.range(of: #"\d{15}"#, options: .regularExpression) == nil)
                    }
                }
            }
        }
    }

    @Test("a policy conflict: the transfer is not done, both colours, whom to ask at home")
    func conflict() {
        let shanghai = IssuingCity(region: .shanghai, support: SupportContact(phone: "12345"))
        let zh = Explanation.transferConflict(home: shanghai, homeStatus: .green, homeReasons: [],
                                              homeObservationEnds: nil, origin: Self.hangzhou, originStatus: .red,
                                              language: .chinese, now: Self.now)
        #expect(zh.text == "转码未完成：上海登记为绿码，比杭州的红码宽松。")
        #expect(zh.whatNext == "请联系上海健康码服务：电话 12345。")
        #expect(zh.status == "绿码")
        let en = Explanation.transferConflict(home: shanghai, homeStatus: .green, homeReasons: [],
                                              homeObservationEnds: nil, origin: Self.hangzhou, originStatus: .red,
                                              language: .english, now: Self.now)
        #expect(en.text == "The transfer is not done: Shanghai registered green, less severe than Hangzhou's red.")
        #expect(en.whatNext == "Contact Shanghai's health-code service: phone 12345.")
    }

    @Test("the JSON form: lang, text, status, reasons, observationEnds (null when none), whatNext")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let explanation = Explanation(Self.yellow(end: nil), issuer: Self.hangzhou, language: .english, now: Self.now)
        let text = String(decoding: try encoder.encode(explanation), as: UTF8.self)
        #expect(text == #"{"lang":"en","observationEnds":null,"reasons":["recent travel to a key area"],"#
            + #""status":"Yellow","text":"Yellow: recent travel to a key area.","#
            + #""whatNext":"If you believe the colour is wrong, contact Hangzhou's health-code service."}"#)
        #expect(try JSONDecoder().decode(Explanation.self, from: Data(text.utf8)) == explanation)
    }
}
