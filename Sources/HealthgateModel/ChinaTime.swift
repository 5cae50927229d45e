import Foundation

/// Date arithmetic in Asia/Shanghai (UTC+8, no daylight saving), the zone of every timestamp the cities send without an offset.
///
/// Pure calendar arithmetic, no `DateFormatter`: safe from any thread and exact.
public enum ChinaTime {
    /// The fixed offset of Asia/Shanghai from UTC, in seconds.
    public static let offsetSeconds = 8 * 3600

    /// The local calendar fields of an instant.
    public struct Fields: Hashable, Sendable {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Whether year-month-day is a real calendar date (30 February is not).
    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// The instant of a local wall-clock time, or `nil` when the fields are not a real time.
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date? {
        guard isValidDate(year: year, month: month, day: day), (0...23).contains(hour), (0...59).contains(minute),
            (0...59).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The local fields of an instant.
    public static func fields(of date: Date) -> Fields {
        let totalMillis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) + offsetSeconds * 1000
        let millis = ((totalMillis % 1000) + 1000) % 1000
        let totalSeconds = (totalMillis - millis) / 1000
        var days = totalSeconds / 86400
        var secondOfDay = totalSeconds % 86400
        if secondOfDay < 0 { secondOfDay += 86400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        return Fields(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
                      second: secondOfDay % 60, millisecond: millis)
    }

    /// Parses exactly `count` ASCII digits of `text` starting at `offset`.
    static func digits(_ text: Substring.UTF8View, _ offset: Int, _ count: Int) -> Int? {
        var value = 0
        var index = text.index(text.startIndex, offsetBy: offset)
        for _ in 0..<count {
            guard index < text.endIndex else { return nil }
            let byte = text[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index = text.index(after: index)
        }
        return value
    }

    /// Parses a compact local timestamp `yyyyMMddHHmmss` (Beijing).
    public static func parseCompact(_ text: String) -> Date? {
        let u = Substring(text).utf8
        guard u.count == 14, let y = digits(u, 0, 4), let mo = digits(u, 4, 2), let d = digits(u, 6, 2),
            let h = digits(u, 8, 2), let mi = digits(u, 10, 2), let s = digits(u, 12, 2)
        else { return nil }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    /// Parses a local timestamp `yyyy-MM-dd HH:mm:ss` (Hangzhou).
    public static func parseDashed(_ text: String) -> Date? {
        let u = Substring(text).utf8
        guard u.count == 19 else { return nil }
        let bytes = Array(u)
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let y = digits(u, 0, 4), let mo = digits(u, 5, 2), let d = digits(u, 8, 2),
            let h = digits(u, 11, 2), let mi = digits(u, 14, 2), let s = digits(u, 17, 2)
        else { return nil }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Formats an instant as local `yyyyMMddHHmmss` (Beijing).
    public static func formatCompact(_ date: Date) -> String {
        let f = fields(of: date)
        return pad(f.year, 4) + pad(f.month, 2) + pad(f.day, 2) + pad(f.hour, 2) + pad(f.minute, 2) + pad(f.second, 2)
    }

    /// Formats an instant as local `yyyy-MM-dd HH:mm:ss` (Hangzhou).
    public static func formatDashed(_ date: Date) -> String {
        let f = fields(of: date)
        return "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2)) \(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
    }

    /// Formats an instant as ISO 8601 with the +08:00 offset, milliseconds when `withMilliseconds`
    /// (`2020-03-02T08:15:00.412+08:00`).
    public static func formatISO(_ date: Date, withMilliseconds: Bool = false) -> String {
        let f = fields(of: date)
        var text = "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
        if withMilliseconds { text += "." + pad(f.millisecond, 3) }
        return text + "+08:00"
    }

    /// Parses ISO 8601 with an offset or `Z` (`2020-03-02T08:15:00.412+08:00`); fractional seconds optional.
    public static func parseISO(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        let u = Substring(text).utf8
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let y = digits(u, 0, 4), let mo = digits(u, 5, 2), let d = digits(u, 8, 2),
            let h = digits(u, 11, 2), let mi = digits(u, 14, 2), let s = digits(u, 17, 2),
            isValidDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == UInt8(ascii: "Z"), index == bytes.count - 1 {
            offset = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), bytes.count - index == 6,
            bytes[index + 3] == UInt8(ascii: ":"), let oh = digits(u, index + 1, 2), let om = digits(u, index + 4, 2)
        {
            offset = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let days = daysFromCivil(year: y, month: mo, day: d)
        let seconds = days * 86400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }
}
