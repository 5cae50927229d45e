import Foundation

/// One person in the simulated Shanghai population.
public struct ShanghaiHolder: Hashable, Sendable {
    /// A short handle for tests and the demo, e.g. `yellow-keyarea`.
    public let handle: String
    /// The Suishenma id: 16 lower-case hex digits, stable.
    public let sid: String
    /// The ID number (synthetic, generated at run time).
    public var idNumber: String
    /// The masked name, e.g. `徐*`.
    public var maskedName: String
    /// 0 green, 1 yellow, 2 red, 9 not enrolled / no decision.
    public var healthStatus: Int
    /// When the status was set.
    public var statusTime: Date
    /// Zero or more `SH-…` reason codes.
    public var reasonCodes: [String]
    /// The last instant of observation, or `nil`.
    public var observeEndTime: Date?

    /// A holder from its parts (tests: a person with a chosen ID number).
    public init(
        handle: String, sid: String, idNumber: String, maskedName: String, healthStatus: Int, statusTime: Date,
        reasonCodes: [String], observeEndTime: Date?
    ) {
        self.handle = handle
        self.sid = sid
        self.idNumber = idNumber
        self.maskedName = maskedName
        self.healthStatus = healthStatus
        self.statusTime = statusTime
        self.reasonCodes = reasonCodes
        self.observeEndTime = observeEndTime
    }
}

/// The seeded Shanghai population: every status and every documented reason code.
enum ShanghaiPopulation {
    /// The holders, their ID numbers generated from their handles.
    static func seed(now: Date) -> [ShanghaiHolder] {
        let rows: [(String, String?, String, Int, [String], Int?)] = [
            ("green-clear", nil, "李*", 0, ["SH-CLEAR"], nil),
            ("green-none", nil, "钱*", 0, [], nil),
            ("yellow-keyarea", "a3f9c2e17b4d5086", "徐*", 1, ["SH-KEYAREA-ARRIVAL"], 6),
            ("yellow-contact", nil, "黄*", 1, ["SH-CONTACT"], 10),
            ("red-suspected", nil, "朱*", 2, ["SH-SUSPECTED"], 14),
            ("red-confirmed", nil, "马*", 2, ["SH-CONFIRMED", "SH-OBSERVATION"], 21),
            ("red-observation", nil, "胡*", 2, ["SH-OBSERVATION"], 14),
            ("review-appeal", nil, "林*", 9, ["SH-APPEAL"], nil),
            ("not-enrolled", nil, "何*", 9, [], nil),
        ]
        return rows.map { handle, fixedSid, name, status, reasons, days in
            var random = SeededRandom(seed: "shanghai|" + handle)
            return ShanghaiHolder(
                handle: handle,
                sid: fixedSid ?? random.hex(16),
                idNumber: ResidentIDGenerator.make(seed: "shanghai|" + handle, region: "310104"),
                maskedName: name,
                healthStatus: status,
                statusTime: LocalTime.startOfDay(now, plusDays: -2).addingTimeInterval(10 * 3600),
                reasonCodes: reasons,
                observeEndTime: days.map { LocalTime.endOfDay(LocalTime.startOfDay(now, plusDays: $0)) }
            )
        }
    }
}
