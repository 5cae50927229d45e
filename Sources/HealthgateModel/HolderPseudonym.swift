import Crypto
import Foundation

/// The gateway's name for a holder: `hg1:` + base64url(HMAC-SHA256(key, issuer | native holder reference)).
///
/// It is stable for one gateway key, issuer and holder reference, and reveals neither; it is all the gateway stores
/// about who a holder is.
public struct HolderPseudonym: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a string of the `hg1:` form (43 base64url characters after the prefix).
    public init?(rawValue: String) {
        guard rawValue.hasPrefix("hg1:"), rawValue.utf8.count == 47,
            rawValue.utf8.dropFirst(4).allSatisfy({ Base64URL.alphabet.contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    fileprivate init(unchecked: String) { self.rawValue = unchecked }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = HolderPseudonym(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an hg1 pseudonym"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The secret key that turns native holder references into pseudonyms; from configuration, at least 32 bytes.
public struct PseudonymKey: Sendable {
    private let key: SymmetricKey

    /// A key from raw bytes; `nil` when shorter than 32 bytes.
    public init?(bytes: some ContiguousBytes) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount >= 256 else { return nil }
        self.key = key
    }

    /// The pseudonym of `holderRef` as issued by `issuer`.
    public func pseudonym(issuer: RegionCode, holderRef: String) -> HolderPseudonym {
        var message = Array(issuer.rawValue.utf8)
        message.append(UInt8(ascii: "|"))
        message.append(contentsOf: holderRef.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return HolderPseudonym(unchecked: "hg1:" + Base64URL.encode(Array(mac)))
    }

    /// A 32-byte secret for another use of this key, named by `domain` (HMAC-SHA256 of `healthgate-derived|<domain>`):
    /// stable for the key, and independent of every pseudonym (whose messages start with a region code).
    public func derivedSecret(domain: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(("healthgate-derived|" + domain).utf8), using: key))
    }
}
