/// The one table of words every explanation is made of, in each language: the canonical statuses and reasons of
/// `federation.md`, dates, ages, what a stale or signature-only answer is, and what a traveller can do next.
///
/// Templates name their blanks in braces (`{city}`, `{date}`, `{code}`…); `Explanation` fills them. No template has
/// a blank for a name or an ID number: an explanation never carries either.
public struct ExplanationWords: Sendable {
    /// The language of these words.
    public let language: ExplanationLanguage
    /// Each canonical status, as said to a traveller (`黄码`, `Yellow`).
    public let statuses: [HealthStatus: String]
    /// Each canonical reason; `other`'s word has a `{code}` blank for the issuer's own code.
    public let reasons: [CanonicalReason: String]
    /// `other` when the issuer sent no code either.
    let otherWithoutCode: String
    /// `other` when the issuer's code is not fit to be read out (see `isShowableCode`).
    let otherCodeWithheld: String
    /// A colour without a reason: `{city}`.
    let noReason: String
    /// What `pending` means: `{city}`.
    let pendingDetail: String
    /// What `unknown` means: `{city}`.
    let unknownDetail: String
    /// Between two reasons.
    let reasonSeparator: String
    /// The sentence: `{status}`, `{detail}`.
    let sentence: String
    /// Appended to the detail when there is a last day: `{date}`.
    let observation: String
    /// A date this year (`{month}`, `{day}`), and in another year (`{year}` too).
    let date: String
    let dateWithYear: String
    /// Month names, when the language writes them as words.
    let monthNames: [String]?
    /// An age: `{n}` minutes, hours or days, singular then plural.
    let minutes: (one: String, many: String)
    let hours: (one: String, many: String)
    let days: (one: String, many: String)
    /// Before the sentence of a `stale` answer: `{city}`, `{age}`.
    let stale: String
    /// Before the sentence of a `signature-only` answer: `{city}`, `{age}`.
    let signatureOnly: String
    /// Between the freshness note and the sentence, and between two sentences of `whatNext`.
    let sentenceSeparator: String
    /// What next, for a green answered live or from the cache.
    let nothingToDo: String
    /// What next, for a green answered stale or from the signature alone: `{city}`.
    let scanWhenReachable: String
    /// What next, for `pending`: `{city}`.
    let waitAndScan: String
    /// What next, for `unknown`: `{city}`.
    let applyAndScan: String
    /// Whom to ask about a yellow or red: `{city}`, `{contact}`.
    let contest: String
    /// Whom to ask about a pending or unknown: `{city}`, `{contact}`.
    let ask: String
    /// The `{contact}` of `contest` and `ask`: with a phone and a page, a phone, a page (`{phone}`, `{url}`).
    let contactBoth: String
    let contactPhone: String
    let contactURL: String
    /// A transfer the home city answered less severely than the origin: `{home}`, `{homeStatus}`, `{origin}`,
    /// `{originStatus}`.
    let conflict: String
    /// Whom to ask about such a transfer: `{city}`, `{contact}`.
    let conflictWhatNext: String

    /// 简体中文.
    public static let chinese = ExplanationWords(
        language: .chinese,
        statuses: [.green: "绿码", .yellow: "黄码", .red: "红码", .pending: "审核中", .unknown: "无记录"],
        reasons: [
            .none: "未见异常",
            .keyAreaTravel: "近14天有重点地区旅居史",
            .closeContact: "被判定为密切接触者",
            .confirmedOrSuspected: "确诊或疑似病例",
            .medicalObservation: "正在接受医学观察",
            .authorityDecision: "由防疫部门判定",
            .symptoms: "曾申报发热等症状",
            .missedCheckIn: "未按要求完成健康打卡",
            .underReview: "颜色申诉正在复核",
            .other: "签发城市给出了本网关没有说明的原因（原代码 {code}）",
        ],
        otherWithoutCode: "签发城市给出了本网关没有说明的原因（未附代码）",
        otherCodeWithheld: "签发城市给出了本网关没有说明的原因（原代码不予显示）",
        noReason: "{city}未说明原因",
        pendingDetail: "{city}尚未给出颜色",
        unknownDetail: "{city}没有此码持有人的记录",
        reasonSeparator: "；",
        sentence: "{status}：{detail}。",
        observation: "，观察期至{date}（含）",
        date: "{month}月{day}日",
        dateWithYear: "{year}年{month}月{day}日",
        monthNames: nil,
        minutes: ("{n} 分钟", "{n} 分钟"),
        hours: ("{n} 小时", "{n} 小时"),
        days: ("{n} 天", "{n} 天"),
        stale: "{city}暂时无法联系，以下为 {age}前的结果。",
        signatureOnly: "未能实时联系{city}，以下为健康码生成时（{age}前）码内签名的状态。",
        sentenceSeparator: "",
        nothingToDo: "无需处理。",
        scanWhenReachable: "请在{city}恢复联系后再扫码确认。",
        waitAndScan: "{city}正在审核，请稍后再扫码。",
        applyAndScan: "请先向{city}申领健康码，再扫码。",
        contest: "如认为颜色有误，请联系{city}健康码服务{contact}。",
        ask: "如有疑问，请联系{city}健康码服务{contact}。",
        contactBoth: "：电话 {phone}，网址 {url}",
        contactPhone: "：电话 {phone}",
        contactURL: "：网址 {url}",
        conflict: "转码未完成：{home}登记为{homeStatus}，比{origin}的{originStatus}宽松。",
        conflictWhatNext: "请联系{city}健康码服务{contact}。")

    /// English.
    public static let english = ExplanationWords(
        language: .english,
        statuses: [.green: "Green", .yellow: "Yellow", .red: "Red", .pending: "Pending", .unknown: "No record"],
        reasons: [
            .none: "nothing abnormal",
            .keyAreaTravel: "recent travel to a key area",
            .closeContact: "close contact of a case",
            .confirmedOrSuspected: "confirmed or suspected case",
            .medicalObservation: "under medical observation",
            .authorityDecision: "decided by the health authority",
            .symptoms: "symptoms such as fever reported",
            .missedCheckIn: "missed a required health check-in",
            .underReview: "an appeal against the colour is under review",
            .other: "a reason the issuing city gave that this gateway has no words for (issuer's code {code})",
        ],
        otherWithoutCode: "a reason the issuing city gave that this gateway has no words for (no code given)",
        otherCodeWithheld: "a reason the issuing city gave that this gateway has no words for (its code is not shown)",
        noReason: "{city} gave no reason",
        pendingDetail: "{city} has not decided a colour yet",
        unknownDetail: "{city} has no record for this code's holder",
        reasonSeparator: "; ",
        sentence: "{status}: {detail}.",
        observation: "; observation until {date} (inclusive)",
        date: "{day} {month}",
        dateWithYear: "{day} {month} {year}",
        monthNames: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"],
        minutes: ("{n} minute", "{n} minutes"),
        hours: ("{n} hour", "{n} hours"),
        days: ("{n} day", "{n} days"),
        stale: "{city} cannot be reached right now; this is its answer from {age} ago.",
        signatureOnly: "{city} could not be asked live; this is the status signed into the code when it was made "
            + "({age} ago).",
        sentenceSeparator: " ",
        nothingToDo: "Nothing to do.",
        scanWhenReachable: "Scan again once {city} can be reached.",
        waitAndScan: "{city} is still reviewing: wait, then scan again.",
        applyAndScan: "Apply for a health code with {city} first, then scan again.",
        contest: "If you believe the colour is wrong, contact {city}'s health-code service{contact}.",
        ask: "If in doubt, contact {city}'s health-code service{contact}.",
        contactBoth: ": phone {phone}, web {url}",
        contactPhone: ": phone {phone}",
        contactURL: ": web {url}",
        conflict: "The transfer is not done: {home} registered {homeStatus}, less severe than {origin}'s {originStatus}.",
        conflictWhatNext: "Contact {city}'s health-code service{contact}.")

    /// `template` with each `{name}` blank replaced by its value, in one pass: a value is never read as a template
    /// (an issuer's code such as `{city}` stays as sent).
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var text = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            text += rest[..<open]
            if let value = values[name] { text += value } else { text += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return text + rest
    }

    /// The word for `status`.
    public func word(for status: HealthStatus) -> String { statuses[status]! }

    /// The word for `reason`; `other` names the issuer's own code when it is fit to be read out.
    public func word(for reason: Reason) -> String {
        guard reason.code == .other else { return reasons[reason.code]! }
        guard let native = reason.native, !native.isEmpty else { return otherWithoutCode }
        guard Self.isShowableCode(native) else { return otherCodeWithheld }
        return Self.fill(reasons[.other]!, ["code": native])
    }

    /// Whether an issuer's reason code may appear in an explanation: at most 32 ASCII letters, digits and `-_.`, of
    /// which at most 6 digits. A code is a short word (`R95`, `SH-NEWRULE`, Beijing's `7`); whatever else an issuer
    /// put there (an ID number, a phone number, free text with a name) is never repeated to the checkpoint.
    public static func isShowableCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard !bytes.isEmpty, bytes.count <= 32 else { return false }
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || [UInt8(ascii: "-"), UInt8(ascii: "_"),
                                                                            UInt8(ascii: ".")].contains(byte)
        }
        return allowed && bytes.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count <= 6
    }

    /// `date` in this language's own form: `12月9日`, `9 December`; the year only when it is not `thisYear`.
    public func date(_ date: LocalDate, thisYear: Int) -> String {
        let month = monthNames?[date.month - 1] ?? String(date.month)
        return Self.fill(date.year == thisYear ? self.date : dateWithYear,
                         ["year": String(date.year), "month": month, "day": String(date.day)])
    }

    /// How long ago, in whole minutes (at least 1), then hours from 2 hours, then days from 2 days: `3 分钟`, `3 minutes`.
    public func age(seconds: Double) -> String {
        let minutes = max(1, Int((max(0, seconds) / 60).rounded(.down)))
        let (count, unit) = if minutes < 120 {
            (minutes, self.minutes)
        } else if minutes < 48 * 60 {
            (minutes / 60, hours)
        } else {
            (minutes / (24 * 60), days)
        }
        return Self.fill(count == 1 ? unit.one : unit.many, ["n": String(count)])
    }

    /// The `{contact}` blank for `support`: empty when nothing is configured.
    func contact(_ support: SupportContact?) -> String {
        switch (support?.phone, support?.url) {
        case (let phone?, let url?): Self.fill(contactBoth, ["phone": phone, "url": url])
        case (let phone?, nil): Self.fill(contactPhone, ["phone": phone])
        case (nil, let url?): Self.fill(contactURL, ["url": url])
        case (nil, nil): ""
        }
    }

    /// A status word inside a sentence (English lower-cases it: "registered green").
    func inlineWord(for status: HealthStatus) -> String {
        language == .english ? word(for: status).lowercased() : word(for: status)
    }
}
