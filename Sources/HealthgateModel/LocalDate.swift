import Foundation

/// A calendar date in Asia/Shanghai with no time, such as the last day of an observation (inclusive); encodes as `yyyy-MM-dd`.
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A real calendar date, or `nil`.
    public init?(year: Int, month: Int, day: Int) {
        guard ChinaTime.isValidDate(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The local date on which an instant falls.
    public init(containing date: Date) {
        let f = ChinaTime.fields(of: date)
        self.year = f.year
        self.month = f.month
        self.day = f.day
    }

    /// Parses `yyyy-MM-dd` (Hangzhou, the federation) or `yyyyMMdd` (Beijing).
    public init?(_ text: String) {
        let u = Substring(text).utf8
        let parts: (Int?, Int?, Int?)
        switch u.count {
        case 10:
            let b = Array(u)
            guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            parts = (ChinaTime.digits(u, 0, 4), ChinaTime.digits(u, 5, 2), ChinaTime.digits(u, 8, 2))
        case 8:
            parts = (ChinaTime.digits(u, 0, 4), ChinaTime.digits(u, 4, 2), ChinaTime.digits(u, 6, 2))
        default:
            return nil
        }
        guard let y = parts.0, let m = parts.1, let d = parts.2 else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `yyyy-MM-dd`.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// `yyyyMMdd` (Beijing).
    public var compact: String { String(format: "%04d%02d%02d", year, month, day) }

    /// The first instant of this local day.
    public var startOfDay: Date { ChinaTime.date(year: year, month: month, day: day)! }

    /// The last second of this local day, 23:59:59.000 (Shanghai's `observeEndTime`, as shanghai.md's example gives it).
    public var lastInstant: Date { startOfDay.addingTimeInterval(86399) }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a yyyy-MM-dd date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
