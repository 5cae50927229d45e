import Foundation

/// The seeded Hangzhou population: every colour and every documented reason, plus an undocumented R-code.
enum HangzhouPopulation {
    /// The holders, their ID numbers generated from their handles.
    static func seed(now: Date) -> [HangzhouHolder] {
        let rows: [(String, String, String?, String, Int?, [HangzhouTrip], [String])] = [
            ("green-R00", "green", "R00", "张*", nil, [], ["杭州"]),
            ("yellow-R12", "yellow", "R12", "刘*", 6, [HangzhouTrip(city: "温州", date: "2020-02-20")], ["温州", "杭州"]),
            ("yellow-R11", "yellow", "R11", "陈*", 10, [], ["杭州"]),
            ("yellow-R13", "yellow", "R13", "王*", 5, [], ["杭州"]),
            ("yellow-R14", "yellow", "R14", "李*", 3, [], ["杭州"]),
            ("red-R21", "red", "R21", "赵*", 14, [HangzhouTrip(city: "武汉", date: "2020-01-20")], ["武汉", "杭州"]),
            ("red-R22", "red", "R22", "孙*", 14, [], ["杭州"]),
            ("red-R90", "red", "R90", "周*", 7, [], ["杭州"]),
            ("yellow-R31", "yellow", "R31", "吴*", 7, [], ["杭州"]),
            ("init", "init", nil, "郑*", nil, [], []),
        ]
        return rows.map { handle, color, reason, name, days, trips, cities in
            var random = SeededRandom(seed: "hangzhou|" + handle)
            return HangzhouHolder(
                handle: handle,
                baseRef: random.hex(32),
                idNumber: ResidentIDGenerator.make(seed: "hangzhou|" + handle, region: "330106"),
                maskedName: name,
                color: color,
                reason: reason,
                colorTime: LocalTime.startOfDay(now, plusDays: -2).addingTimeInterval(10 * 3600),
                quarantineUntil: days.map { LocalTime.dashedDate(LocalTime.startOfDay(now, plusDays: $0)) },
                travelHistory: trips,
                tripCities: cities
            )
        }
    }
}
