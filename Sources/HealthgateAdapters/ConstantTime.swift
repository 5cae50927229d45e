/// Comparisons whose running time does not depend on where two secrets first differ, for the transfer identity check
/// (a city's ID digest against the one the gateway computes).
public enum ConstantTime {
    /// Whether two byte sequences are equal, looking at every byte of equal-length inputs. A length difference answers
    /// `false` at once: the digests compared here have a public, fixed length.
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }

    /// Whether two hex digests are the same, ignoring the case of the letters `a`–`f`.
    public static func hexDigestsEqual(_ lhs: String, _ rhs: String) -> Bool {
        equals(lowerASCII(lhs), lowerASCII(rhs))
    }

    private static func lowerASCII(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
    }
}
