/// A GB/T 2260 region code naming a city (for example `310000`, Shanghai): the identity of an issuer or a caller.
public struct RegionCode: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts exactly six ASCII digits.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 6, rawValue.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        self.rawValue = rawValue
    }

    private init(unchecked: String) { self.rawValue = unchecked }

    /// Hangzhou Health Code, 330100.
    public static let hangzhou = RegionCode(unchecked: "330100")
    /// Shanghai Suishenma, 310000.
    public static let shanghai = RegionCode(unchecked: "310000")
    /// Beijing Jingxinxiangzhu, 110000.
    public static let beijing = RegionCode(unchecked: "110000")

    public var description: String { rawValue }

    public static func < (lhs: RegionCode, rhs: RegionCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let code = RegionCode(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a six-digit region code"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
