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

    /// The chain hash in lower-case hex.
    public var hashHex: String { Hex.encode(hash) }
}

/// Lower-case hexadecimal.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
