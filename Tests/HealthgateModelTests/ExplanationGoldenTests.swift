import Foundation
import HealthgateModel
import Testing

/// Every canonical status and reason, in both languages, rendered as a guard would read it out (golden strings).
@Suite struct ExplanationGoldenTests {
    /// 2026-12-01 10:00 in China: the instant every golden explanation is rendered at.
    static let now = ChinaTime.date(year: 2026, month: 12, day: 1, hour: 10, minute: 0, second: 0)!
    /// The last day of every yellow and red observation below.
    static let end = LocalDate(year: 2026, month: 12, day: 9)!

    /// The native code each canonical reason is given (Hangzhou's, or Shanghai's where Hangzhou has none; `R95`
    /// stands for a code the gateway has no word for).
    static let natives: [CanonicalReason: String] = [
        .none: "R00", .keyAreaTravel: "R12", .closeContact: "R11", .confirmedOrSuspected: "R21",
        .medicalObservation: "R22", .authorityDecision: "R90", .symptoms: "R13", .missedCheckIn: "R14",
        .underReview: "SH-APPEAL", .other: "R95",
    ]

    /// Status, reason, language, then the expected `text` and `whatNext` (Hangzhou, no support configured, live).
    static let golden: [(String, String, String, String, String)] = [
        ("green", "none", "zh-CN", "绿码：未见异常。", "无需处理。"),
        ("green", "none", "en", "Green: nothing abnormal.", "Nothing to do."),
        ("green", "key-area-travel", "zh-CN", "绿码：近14天有重点地区旅居史。", "无需处理。"),
        ("green", "key-area-travel", "en", "Green: recent travel to a key area.", "Nothing to do."),
        ("green", "close-contact", "zh-CN", "绿码：被判定为密切接触者。", "无需处理。"),
        ("green", "close-contact", "en", "Green: close contact of a case.", "Nothing to do."),
        ("green", "confirmed-or-suspected", "zh-CN", "绿码：确诊或疑似病例。", "无需处理。"),
        ("green", "confirmed-or-suspected", "en", "Green: confirmed or suspected case.", "Nothing to do."),
        ("green", "medical-observation", "zh-CN", "绿码：正在接受医学观察。", "无需处理。"),
        ("green", "medical-observation", "en", "Green: under medical observation.", "Nothing to do."),
        ("green", "authority-decision", "zh-CN", "绿码：由防疫部门判定。", "无需处理。"),
        ("green", "authority-decision", "en", "Green: decided by the health authority.", "Nothing to do."),
        ("green", "symptoms", "zh-CN", "绿码：曾申报发热等症状。", "无需处理。"),
        ("green", "symptoms", "en", "Green: symptoms such as fever reported.", "Nothing to do."),
        ("green", "missed-check-in", "zh-CN", "绿码：未按要求完成健康打卡。", "无需处理。"),
        ("green", "missed-check-in", "en", "Green: missed a required health check-in.", "Nothing to do."),
        ("green", "under-review", "zh-CN", "绿码：颜色申诉正在复核。", "无需处理。"),
        ("green", "under-review", "en", "Green: an appeal against the colour is under review.", "Nothing to do."),
        ("green", "other", "zh-CN", "绿码：签发城市给出了本网关没有说明的原因（原代码 R95）。", "无需处理。"),
        ("green", "other", "en", "Green: a reason the issuing city gave that this gateway has no words for (issuer's code R95).", "Nothing to do."),
        ("yellow", "none", "zh-CN", "黄码：杭州未说明原因，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "none", "en", "Yellow: Hangzhou gave no reason; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "key-area-travel", "zh-CN", "黄码：近14天有重点地区旅居史，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "key-area-travel", "en", "Yellow: recent travel to a key area; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "close-contact", "zh-CN", "黄码：被判定为密切接触者，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "close-contact", "en", "Yellow: close contact of a case; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "confirmed-or-suspected", "zh-CN", "黄码：确诊或疑似病例，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "confirmed-or-suspected", "en", "Yellow: confirmed or suspected case; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "medical-observation", "zh-CN", "黄码：正在接受医学观察，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "medical-observation", "en", "Yellow: under medical observation; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "authority-decision", "zh-CN", "黄码：由防疫部门判定，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "authority-decision", "en", "Yellow: decided by the health authority; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "symptoms", "zh-CN", "黄码：曾申报发热等症状，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "symptoms", "en", "Yellow: symptoms such as fever reported; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "missed-check-in", "zh-CN", "黄码：未按要求完成健康打卡，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "missed-check-in", "en", "Yellow: missed a required health check-in; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "under-review", "zh-CN", "黄码：颜色申诉正在复核，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "under-review", "en", "Yellow: an appeal against the colour is under review; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("yellow", "other", "zh-CN", "黄码：签发城市给出了本网关没有说明的原因（原代码 R95），观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("yellow", "other", "en", "Yellow: a reason the issuing city gave that this gateway has no words for (issuer's code R95); observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "none", "zh-CN", "红码：杭州未说明原因，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "none", "en", "Red: Hangzhou gave no reason; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "key-area-travel", "zh-CN", "红码：近14天有重点地区旅居史，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "key-area-travel", "en", "Red: recent travel to a key area; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "close-contact", "zh-CN", "红码：被判定为密切接触者，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "close-contact", "en", "Red: close contact of a case; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "confirmed-or-suspected", "zh-CN", "红码：确诊或疑似病例，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "confirmed-or-suspected", "en", "Red: confirmed or suspected case; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "medical-observation", "zh-CN", "红码：正在接受医学观察，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "medical-observation", "en", "Red: under medical observation; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "authority-decision", "zh-CN", "红码：由防疫部门判定，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "authority-decision", "en", "Red: decided by the health authority; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "symptoms", "zh-CN", "红码：曾申报发热等症状，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "symptoms", "en", "Red: symptoms such as fever reported; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "missed-check-in", "zh-CN", "红码：未按要求完成健康打卡，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "missed-check-in", "en", "Red: missed a required health check-in; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "under-review", "zh-CN", "红码：颜色申诉正在复核，观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "under-review", "en", "Red: an appeal against the colour is under review; observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("red", "other", "zh-CN", "红码：签发城市给出了本网关没有说明的原因（原代码 R95），观察期至12月9日（含）。", "如认为颜色有误，请联系杭州健康码服务。"),
        ("red", "other", "en", "Red: a reason the issuing city gave that this gateway has no words for (issuer's code R95); observation until 9 December (inclusive).", "If you believe the colour is wrong, contact Hangzhou's health-code service."),
        ("pending", "none", "zh-CN", "审核中：杭州尚未给出颜色。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "none", "en", "Pending: Hangzhou has not decided a colour yet.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "key-area-travel", "zh-CN", "审核中：杭州尚未给出颜色；近14天有重点地区旅居史。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "key-area-travel", "en", "Pending: Hangzhou has not decided a colour yet; recent travel to a key area.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "close-contact", "zh-CN", "审核中：杭州尚未给出颜色；被判定为密切接触者。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "close-contact", "en", "Pending: Hangzhou has not decided a colour yet; close contact of a case.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "confirmed-or-suspected", "zh-CN", "审核中：杭州尚未给出颜色；确诊或疑似病例。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "confirmed-or-suspected", "en", "Pending: Hangzhou has not decided a colour yet; confirmed or suspected case.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "medical-observation", "zh-CN", "审核中：杭州尚未给出颜色；正在接受医学观察。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "medical-observation", "en", "Pending: Hangzhou has not decided a colour yet; under medical observation.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "authority-decision", "zh-CN", "审核中：杭州尚未给出颜色；由防疫部门判定。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "authority-decision", "en", "Pending: Hangzhou has not decided a colour yet; decided by the health authority.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "symptoms", "zh-CN", "审核中：杭州尚未给出颜色；曾申报发热等症状。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "symptoms", "en", "Pending: Hangzhou has not decided a colour yet; symptoms such as fever reported.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "missed-check-in", "zh-CN", "审核中：杭州尚未给出颜色；未按要求完成健康打卡。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "missed-check-in", "en", "Pending: Hangzhou has not decided a colour yet; missed a required health check-in.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "under-review", "zh-CN", "审核中：杭州尚未给出颜色；颜色申诉正在复核。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "under-review", "en", "Pending: Hangzhou has not decided a colour yet; an appeal against the colour is under review.", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("pending", "other", "zh-CN", "审核中：杭州尚未给出颜色；签发城市给出了本网关没有说明的原因（原代码 R95）。", "杭州正在审核，请稍后再扫码。如有疑问，请联系杭州健康码服务。"),
        ("pending", "other", "en", "Pending: Hangzhou has not decided a colour yet; a reason the issuing city gave that this gateway has no words for (issuer's code R95).", "Hangzhou is still reviewing: wait, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "none", "zh-CN", "无记录：杭州没有此码持有人的记录。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "none", "en", "No record: Hangzhou has no record for this code's holder.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "key-area-travel", "zh-CN", "无记录：杭州没有此码持有人的记录；近14天有重点地区旅居史。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "key-area-travel", "en", "No record: Hangzhou has no record for this code's holder; recent travel to a key area.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "close-contact", "zh-CN", "无记录：杭州没有此码持有人的记录；被判定为密切接触者。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "close-contact", "en", "No record: Hangzhou has no record for this code's holder; close contact of a case.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "confirmed-or-suspected", "zh-CN", "无记录：杭州没有此码持有人的记录；确诊或疑似病例。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "confirmed-or-suspected", "en", "No record: Hangzhou has no record for this code's holder; confirmed or suspected case.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "medical-observation", "zh-CN", "无记录：杭州没有此码持有人的记录；正在接受医学观察。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "medical-observation", "en", "No record: Hangzhou has no record for this code's holder; under medical observation.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "authority-decision", "zh-CN", "无记录：杭州没有此码持有人的记录；由防疫部门判定。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "authority-decision", "en", "No record: Hangzhou has no record for this code's holder; decided by the health authority.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "symptoms", "zh-CN", "无记录：杭州没有此码持有人的记录；曾申报发热等症状。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "symptoms", "en", "No record: Hangzhou has no record for this code's holder; symptoms such as fever reported.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "missed-check-in", "zh-CN", "无记录：杭州没有此码持有人的记录；未按要求完成健康打卡。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "missed-check-in", "en", "No record: Hangzhou has no record for this code's holder; missed a required health check-in.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "under-review", "zh-CN", "无记录：杭州没有此码持有人的记录；颜色申诉正在复核。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "under-review", "en", "No record: Hangzhou has no record for this code's holder; an appeal against the colour is under review.", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
        ("unknown", "other", "zh-CN", "无记录：杭州没有此码持有人的记录；签发城市给出了本网关没有说明的原因（原代码 R95）。", "请先向杭州申领健康码，再扫码。如有疑问，请联系杭州健康码服务。"),
        ("unknown", "other", "en", "No record: Hangzhou has no record for this code's holder; a reason the issuing city gave that this gateway has no words for (issuer's code R95).", "Apply for a health code with Hangzhou first, then scan again. If in doubt, contact Hangzhou's health-code service."),
    ]

    @Test("every status × reason × language has its golden text and what-next")
    func everyCombination() throws {
        #expect(Self.golden.count == HealthStatus.allCases.count * CanonicalReason.allCases.count
            * ExplanationLanguage.allCases.count)
        for (statusWord, reasonWord, languageWord, text, whatNext) in Self.golden {
            let status = try #require(HealthStatus(rawValue: statusWord))
            let reason = try #require(CanonicalReason(rawValue: reasonWord))
            let language = try #require(ExplanationLanguage(rawValue: languageWord))
            let colour = status == .yellow || status == .red
            let explanation = Explanation(
                status: status, reasons: [Reason(code: reason, native: Self.natives[reason])],
                observationEnds: colour ? Self.end : nil, freshness: .live, asOf: Self.now,
                issuer: IssuingCity(region: .hangzhou, configuredName: "hangzhou"), language: language, now: Self.now)
            #expect(explanation.text == text, "\(statusWord) \(reasonWord) \(languageWord)")
            #expect(explanation.whatNext == whatNext, "\(statusWord) \(reasonWord) \(languageWord)")
            #expect(explanation.lang == language)
            #expect(explanation.status == language.words.word(for: status))
            #expect(explanation.reasons == (reason == .none ? [] : [language.words.word(for: Reason(code: reason, native: Self.natives[reason]))]))
            #expect(explanation.observationEnds == (colour ? (language == .chinese ? "12月9日" : "9 December") : nil))
        }
    }

    @Test("the table has a word for every status and reason in every language, and no two share one")
    func tableIsComplete() {
        for language in ExplanationLanguage.allCases {
            let words = language.words
            #expect(words.language == language)
            #expect(Set(HealthStatus.allCases.compactMap { words.statuses[$0] }).count == HealthStatus.allCases.count)
            #expect(Set(CanonicalReason.allCases.compactMap { words.reasons[$0] }).count == CanonicalReason.allCases.count)
        }
    }
}
