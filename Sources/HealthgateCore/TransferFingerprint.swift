import HealthgateAdapters
import HealthgateModel

/// The digest that tells a faithful repeat of a transfer request from another transfer under the same request id:
/// SHA-256 of the ID number, a secret salt, the name (length-prefixed) and the QR content (`TransferDigest`'s form).
///
/// The salt is derived from the gateway's pseudonym key (domain `transfer-fingerprint-v1`), so it is the same after a
/// restart, is never stored, and makes the digest useless to someone who reads the database without the key.
public struct TransferFingerprint: Sendable {
    private let salt: String

    /// A fingerprinter whose salt comes from `key`.
    public init(key: PseudonymKey) {
        salt = Self.hex(key.derivedSecret(domain: "transfer-fingerprint-v1"))
    }

    /// The fingerprint of `request`, lower-case hex; equal for a faithful repeat.
    public func callAsFunction(_ request: TransferRequest) -> String {
        TransferDigest.compute(id: request.idNumber,
                               holderPart: salt + "|" + "\(request.name.utf8.count):" + request.name + "|" + request.qr)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
