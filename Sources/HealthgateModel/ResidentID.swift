/// A resident identity number (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character, with a real birth date.
///
/// Its `description` is masked so that it cannot leak into a log by accident; only `digest(with:)` and the arrival
/// registration ever see the full number.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 18 characters, with a trailing `x` upper-cased.
    public let value: String

    /// Validates length, birth date and check character.
    public init(validating text: String) throws(HealthgateError) {
        let upper = text.uppercased()
        let bytes = Array(upper.utf8)
        guard bytes.count == 18 else {
            throw .badRequest("an ID number has 18 characters")
        }
        var sum = 0
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        for i in 0..<17 {
            guard bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else {
                throw .badRequest("an ID number's first 17 characters are digits")
            }
            sum += Int(bytes[i] - UInt8(ascii: "0")) * weights[i]
        }
        let checks = Array("10X98765432".utf8)
        guard bytes[17] == checks[sum % 11] else {
            throw .badRequest("the ID number's check character is wrong")
        }
        let u = Substring(upper).utf8
        guard let y = ChinaTime.digits(u, 6, 4), let m = ChinaTime.digits(u, 10, 2), let d = ChinaTime.digits(u, 12, 2),
            y >= 1900, ChinaTime.isValidDate(year: y, month: m, day: d)
        else {
            throw .badRequest("the ID number's birth date is not a real date")
        }
        self.value = upper
    }

    /// The first 6 and the check character, the rest masked: `330106***********X`.
    public var description: String {
        String(value.prefix(6)) + String(repeating: "*", count: 11) + String(value.suffix(1))
    }

    public var debugDescription: String { "ResidentID(\(description))" }
}
