import Foundation
import HealthgateModel

/// A QR content that passed every check possible without a call: which city issued it, what identifies the holder for
/// caching, and how long the code itself stays valid.
public struct RecognisedCode: Hashable, Sendable {
    /// The issuing city.
    public var issuer: RegionCode
    /// The QR content exactly as scanned.
    public var content: String
    /// What identifies the code's holder for caching, per issuer: Hangzhou's token, Shanghai's `sid`, Beijing's card id.
    public var holderKey: String
    /// When the code was generated, when it says (Shanghai `iat`, Beijing `generated`).
    public var issuedAt: Date?
    /// The last instant the code itself is valid, when it can be told locally (Shanghai `exp`, Beijing `generated` + 600 s).
    public var validUntil: Date?
    /// The status signed into the code at issue time (Shanghai `st`).
    public var signedStatus: HealthStatus?
    /// The signing key id (Shanghai `kid`).
    public var keyID: String?

    public init(issuer: RegionCode, content: String, holderKey: String, issuedAt: Date? = nil, validUntil: Date? = nil,
                signedStatus: HealthStatus? = nil, keyID: String? = nil) {
        self.issuer = issuer
        self.content = content
        self.holderKey = holderKey
        self.issuedAt = issuedAt
        self.validUntil = validUntil
        self.signedStatus = signedStatus
        self.keyID = keyID
    }
}
