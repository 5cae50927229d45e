import Foundation

/// Local time in Asia/Shanghai (UTC+8, no daylight saving), as the simulated cities write it.
///
/// Written for the simulators alone (not shared with the adapters), so that a formatting bug on one side shows up.
public enum LocalTime {
    /// The calendar used for every local field: Gregorian, fixed UTC+8.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar
    }()

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func parts(_ date: Date) -> DateComponents {
        calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    /// `yyyy-MM-dd HH:mm:ss` (Hangzhou).
    public static func dashed(_ date: Date) -> String {
        let c = parts(date)
        return "\(pad(c.year!, 4))-\(pad(c.month!, 2))-\(pad(c.day!, 2)) \(pad(c.hour!, 2)):\(pad(c.minute!, 2)):\(pad(c.second!, 2))"
    }

    /// `yyyy-MM-dd` (Hangzhou dates).
    public static func dashedDate(_ date: Date) -> String {
        let c = parts(date)
        return "\(pad(c.year!, 4))-\(pad(c.month!, 2))-\(pad(c.day!, 2))"
    }

    /// `yyyyMMddHHmmss` (Beijing).
    public static func compact(_ date: Date) -> String {
        let c = parts(date)
        return "\(pad(c.year!, 4))\(pad(c.month!, 2))\(pad(c.day!, 2))\(pad(c.hour!, 2))\(pad(c.minute!, 2))\(pad(c.second!, 2))"
    }

    /// `yyyyMMdd` (Beijing dates).
    public static func compactDate(_ date: Date) -> String {
        String(compact(date).prefix(8))
    }

    /// Parses local `yyyy-MM-dd HH:mm:ss`; `nil` unless exactly that and a real time.
    public static func parseDashed(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        return make(digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2), digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2))
    }

    /// Parses local `yyyy-MM-dd` as the start of that day; `nil` unless a real date.
    public static func parseDashedDate(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        return make(digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2), 0, 0, 0)
    }

    /// Parses local `yyyyMMddHHmmss`; `nil` unless a real time.
    public static func parseCompact(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 14 else { return nil }
        return make(digits(b, 0, 4), digits(b, 4, 2), digits(b, 6, 2), digits(b, 8, 2), digits(b, 10, 2), digits(b, 12, 2))
    }

    /// Parses local `yyyyMMdd` as the start of that day; `nil` unless a real date.
    public static func parseCompactDate(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 8 else { return nil }
        return make(digits(b, 0, 4), digits(b, 4, 2), digits(b, 6, 2), 0, 0, 0)
    }

    /// The start of the local day `days` after the local day of `date`.
    public static func startOfDay(_ date: Date, plusDays days: Int = 0) -> Date {
        let start = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: days, to: start)!
    }

    /// The last millisecond of the local day of `date` (Shanghai's `observeEndTime`).
    public static func endOfDay(_ date: Date) -> Date {
        startOfDay(date, plusDays: 1).addingTimeInterval(-0.001)
    }

    private static func digits(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[offset..<(offset + count)] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func make(_ y: Int?, _ mo: Int?, _ d: Int?, _ h: Int?, _ mi: Int?, _ s: Int?) -> Date? {
        guard let y, let mo, let d, let h, let mi, let s, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        let components = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        guard let date = calendar.date(from: components) else { return nil }
        // Reject dates the calendar silently normalised (30 February becomes 1 March).
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == y, back.month == mo, back.day == d else { return nil }
        return date
    }
}
