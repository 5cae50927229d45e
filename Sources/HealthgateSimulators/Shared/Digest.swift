import Crypto

/// SHA-256 helpers for the identity digests every city returns for a transfer.
enum Digest {
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The transfer identity digest: SHA-256 of `<ID number, upper case>|<reference>`.
    static func identity(idNumber: String, reference: String) -> String {
        sha256Hex(idNumber.uppercased() + "|" + reference)
    }
}
