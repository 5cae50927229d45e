/// A committed audit record with its place in the chain.
public struct AuditEntry: Hashable, Sendable {
    /// The record's sequence number, from 1, without gaps except where pruned.
    public var seq: Int64
    /// The record as stored (time to the millisecond, latency to the microsecond).
    public var record: AuditRecord
    /// The previous record's hash (32 zero bytes for the first record ever).
    public var prevHash: [UInt8]
    /// SHA-256(prevHash ‖ canonical encoding).
    public var hash: [UInt8]
}

/// The proof that an audit record is committed: its sequence number and chain hash.
public struct AuditReceipt: Hashable, Sendable {
    /// The record's sequence number.
    public var seq: Int64
    /// The record's chain hash.
    public var hash: [UInt8]

    package init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// The chain hash in lower-case hex.
    public var hashHex: String { Hex.encode(hash) }
}

/// Lower-case hexadecimal.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string (either case), or `nil` when it is not one.
    package static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
