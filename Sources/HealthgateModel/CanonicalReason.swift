/// A canonical reason code of `federation.md`: why a holder has the status they have.
public enum CanonicalReason: String, CaseIterable, Codable, Sendable {
    case none
    case keyAreaTravel = "key-area-travel"
    case closeContact = "close-contact"
    case confirmedOrSuspected = "confirmed-or-suspected"
    case medicalObservation = "medical-observation"
    case authorityDecision = "authority-decision"
    case symptoms
    case missedCheckIn = "missed-check-in"
    case underReview = "under-review"
    case other
}

/// A reason as the gateway carries it: the canonical code and the native code it came from.
public struct Reason: Hashable, Codable, Sendable {
    /// The canonical code.
    public var code: CanonicalReason
    /// The issuer's own code (`R12`, `SH-KEYAREA-ARRIVAL`, Beijing popup `1`), or `nil` when the issuer sent none.
    public var native: String?

    public init(code: CanonicalReason, native: String?) {
        self.code = code
        self.native = native
    }

    /// The reasons for an answer that carried none: `none` for green, nothing otherwise (`federation.md`).
    public static func absent(for status: HealthStatus) -> [Reason] {
        status == .green ? [Reason(code: .none, native: nil)] : []
    }

    private enum CodingKeys: String, CodingKey { case code, native }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(native, forKey: .native)  // explicit null: "the issuer sent none"
    }
}

/// A canonical reason expressed in another city's vocabulary, with the loss recorded when that city had no exact word.
public struct TranslatedReason: Hashable, Codable, Sendable {
    /// The canonical reason being translated.
    public var canonical: CanonicalReason
    /// The target city's native code, or `nil` when the target has no word even by fallback.
    public var native: String?
    /// `true` when `native` is a fallback rather than an exact equivalent.
    public var lossy: Bool

    public init(canonical: CanonicalReason, native: String?, lossy: Bool) {
        self.canonical = canonical
        self.native = native
        self.lossy = lossy
    }
}
