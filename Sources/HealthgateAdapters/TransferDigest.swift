import Crypto
import HealthgateModel

/// The transfer identity check of `federation.md`: every city sends lower-case hex SHA-256 of
/// `<ID number, upper case>|<its holder part>` (Hangzhou: the code content; Shanghai: `sid`; Beijing: the card id), and
/// the gateway compares it with its own in constant time.
public enum TransferDigest {
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `<ID upper case>|<holderPart>`.
    public static func compute(id: ResidentID, holderPart: String) -> String {
        hex(SHA256.hash(data: Array((id.value.uppercased() + "|" + holderPart).utf8)))
    }

    /// Whether the issuer's digest matches the one computed from the declared ID number, in constant time.
    public static func matches(issuerDigest: String, computed: String) -> Bool {
        ConstantTime.hexDigestsEqual(issuerDigest, computed)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
