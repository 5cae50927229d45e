import Foundation

/// One person in the simulated Beijing population.
public struct BeijingHolder: Hashable, Sendable {
    /// A short handle for tests and the demo, e.g. `yellow-popup1`.
    public let handle: String
    /// The 20-digit card number, stable.
    public let cardId: String
    /// The ID number (synthetic, generated at run time).
    public var idNumber: String
    /// The masked name, e.g. `王*`.
    public var maskedName: String
    /// 未见异常, 居家观察, 集中观察, 核验中 or 暂无信息.
    public var status: String
    /// When the status was set.
    public var statusTime: Date
    /// The last day of observation (`yyyyMMdd`), or `nil`.
    public var observationEnd: String?
    /// The pop-up category 1–5, or `nil`.
    public var popup: Int?
    /// Free text for the holder, or `nil`.
    public var explanation: String?
    /// Whether this holder's records live on an older node, which answers in GB18030.
    public var olderNode: Bool

    /// A holder from its parts (tests: a person with a chosen ID number).
    public init(
        handle: String, cardId: String, idNumber: String, maskedName: String, status: String, statusTime: Date,
        observationEnd: String?, popup: Int?, explanation: String?, olderNode: Bool = false
    ) {
        self.handle = handle
        self.cardId = cardId
        self.idNumber = idNumber
        self.maskedName = maskedName
        self.status = status
        self.statusTime = statusTime
        self.observationEnd = observationEnd
        self.popup = popup
        self.explanation = explanation
        self.olderNode = olderNode
    }
}

/// The seeded Beijing population: every status word and every pop-up category, one holder on an older node.
enum BeijingPopulation {
    static let green = "未见异常", home = "居家观察", central = "集中观察", verifying = "核验中", noRecord = "暂无信息"

    /// The holders, their ID numbers generated from their handles.
    static func seed(now: Date) -> [BeijingHolder] {
        let rows: [(String, String, String, String, Int?, Int?, String?, Bool)] = [
            ("green", "11010520200302000025", "张*", green, nil, nil, nil, false),
            ("yellow-popup1", "11010520200302000017", "王*", home, 1, 12, "近14天有外地旅居史，请居家观察", false),
            ("yellow-popup2", "11010520200302000033", "李*", home, 2, 14, "您是密切接触者，请居家观察", false),
            ("red-popup3", "11010520200302000041", "赵*", central, 3, 21, "请配合集中观察", false),
            ("red-popup4", "11010520200302000058", "钱*", central, 4, 14, nil, false),
            ("yellow-popup5", "11010520200302000066", "孙*", home, 5, 7, "根据防控部门决定，请居家观察", false),
            ("verifying", "11010520200302000074", "周*", verifying, nil, nil, nil, false),
            ("no-record", "11010520200302000082", "吴*", noRecord, nil, nil, nil, false),
            ("older-node-yellow", "11010520200302000090", "郑*", home, 1, 10, "近14天有外地旅居史，请居家观察", true),
        ]
        return rows.map { handle, card, name, status, popup, days, explanation, older in
            BeijingHolder(
                handle: handle, cardId: card,
                idNumber: ResidentIDGenerator.make(seed: "beijing|" + handle, region: "110105"),
                maskedName: name, status: status,
                statusTime: LocalTime.startOfDay(now, plusDays: -2).addingTimeInterval(9 * 3600),
                observationEnd: days.map { LocalTime.compactDate(LocalTime.startOfDay(now, plusDays: $0)) },
                popup: popup, explanation: explanation, olderNode: older)
        }
    }
}
