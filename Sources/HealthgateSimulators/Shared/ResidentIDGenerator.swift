import Foundation

/// Makes synthetic resident identity numbers (GB 11643) for the seeded population, at run time.
///
/// No ID number is written in the sources: each is derived from a seed, with a real birth date and the ISO 7064
/// MOD 11-2 check character computed here, so that the transfer digests can be exercised end to end.
public enum ResidentIDGenerator {
    /// The weights of the 17 digits in the MOD 11-2 check.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each remainder.
    static let checkCharacters = Array("10X98765432")

    /// The MOD 11-2 check character of 17 digits, or `nil` when `digits` is not 17 ASCII digits.
    public static func checkCharacter(of digits: String) -> Character? {
        let values = digits.compactMap { $0.wholeNumberValue }
        guard digits.count == 17, values.count == 17, digits.allSatisfy({ $0.isASCII }) else { return nil }
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Whether `text` is a well-formed ID number: 17 digits, a real birth date, the right check character
    /// (a lower-case `x` is accepted, as the cities do).
    public static func isValid(_ text: String) -> Bool {
        let upper = text.uppercased()
        guard upper.count == 18, let check = checkCharacter(of: String(upper.prefix(17))), upper.last == check else {
            return false
        }
        let birth = String(upper.dropFirst(6).prefix(8))
        return LocalTime.parseCompactDate(birth) != nil
    }

    /// A valid ID number for `region` (6 digits) derived from `seed`: birth date between 1950 and 2005.
    public static func make(seed: String, region: String) -> String {
        var random = SeededRandom(seed: "resident-id|" + seed)
        let year = 1950 + Int(random.next() % 56)
        let month = 1 + Int(random.next() % 12)
        let day = 1 + Int(random.next() % 28)
        let sequence = Int(random.next() % 1000)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let digits = region + pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(sequence, 3)
        return digits + String(checkCharacter(of: digits)!)
    }

    /// The ID number masked as the cities print it: first 6 and last 4 characters kept.
    public static func masked(_ id: String) -> String {
        String(id.prefix(6)) + String(repeating: "*", count: max(0, id.count - 10)) + String(id.suffix(4))
    }
}
