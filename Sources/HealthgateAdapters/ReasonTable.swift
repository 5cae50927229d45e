import HealthgateModel

/// The reason tables of `federation.md` for the three cities: native code → canonical reason, canonical reason → the
/// city's exact word, and the fallback used (and marked lossy) when a city has no exact word.
///
/// Beijing's "native code" is its `Popup` category as a string (`"1"` … `"5"`); Beijing expresses `none` by leaving
/// `Popup` out, which the tables spell as an exact translation with `native == nil`.
public enum ReasonTable {
    /// A city whose native reason vocabulary the tables know.
    public enum City: String, CaseIterable, Sendable {
        case hangzhou, shanghai, beijing

        /// The city of a region code, or `nil` for a region with no native adapter.
        public init?(region: RegionCode) {
            switch region {
            case .hangzhou: self = .hangzhou
            case .shanghai: self = .shanghai
            case .beijing: self = .beijing
            default: return nil
            }
        }

        /// The city's region code.
        public var region: RegionCode {
            switch self {
            case .hangzhou: .hangzhou
            case .shanghai: .shanghai
            case .beijing: .beijing
            }
        }
    }

    // MARK: The tables (federation.md, "Reasons")

    /// Exact native words per canonical reason and city; the first word is the one used when translating into the city.
    /// A canonical reason missing here has no exact word in that city ("—" in the table). Beijing's `none` is the empty
    /// list: expressed by absence.
    static let exact: [City: [CanonicalReason: [String]]] = [
        .hangzhou: [
            .none: ["R00"],
            .keyAreaTravel: ["R12"],
            .closeContact: ["R11"],
            .confirmedOrSuspected: ["R21"],
            .medicalObservation: ["R22"],
            .authorityDecision: ["R90"],
            .symptoms: ["R13"],
            .missedCheckIn: ["R14"],
        ],
        .shanghai: [
            .none: ["SH-CLEAR"],
            .keyAreaTravel: ["SH-KEYAREA-ARRIVAL"],
            .closeContact: ["SH-CONTACT"],
            .confirmedOrSuspected: ["SH-CONFIRMED", "SH-SUSPECTED"],
            .medicalObservation: ["SH-OBSERVATION"],
            .underReview: ["SH-APPEAL"],
        ],
        .beijing: [
            .none: [],
            .keyAreaTravel: ["1"],
            .closeContact: ["2"],
            .confirmedOrSuspected: ["3"],
            .medicalObservation: ["4"],
            .authorityDecision: ["5"],
        ],
    ]

    /// The fallback table of `federation.md`: the word used, and recorded as lossy, when a city has no exact word.
    static let fallback: [City: [CanonicalReason: String]] = [
        .hangzhou: [
            .underReview: "R90",
            .other: "R90",
        ],
        .shanghai: [
            .authorityDecision: "SH-OBSERVATION",
            .symptoms: "SH-OBSERVATION",
            .missedCheckIn: "SH-OBSERVATION",
            .other: "SH-OBSERVATION",
        ],
        .beijing: [
            .symptoms: "5",
            .missedCheckIn: "5",
            .underReview: "5",
            .other: "5",
        ],
    ]

    /// Native word → canonical reason, per city (derived from `exact`).
    static let reverse: [City: [String: CanonicalReason]] = {
        var table: [City: [String: CanonicalReason]] = [:]
        for (city, words) in exact {
            var map: [String: CanonicalReason] = [:]
            for (canonical, natives) in words {
                for native in natives { map[native] = canonical }
            }
            table[city] = map
        }
        return table
    }()

    // MARK: Native → canonical

    /// The canonical reason of one native code, keeping the native code; a code the table does not know is `other`.
    public static func reason(fromNative native: String, in city: City) -> Reason {
        Reason(code: reverse[city]?[native] ?? .other, native: native)
    }

    /// The canonical reasons of a native answer's codes; when it carried none, `Reason.absent(for: status)`.
    public static func reasons(fromNative natives: [String], in city: City, status: HealthStatus) -> [Reason] {
        natives.isEmpty ? Reason.absent(for: status) : natives.map { reason(fromNative: $0, in: city) }
    }

    // MARK: Canonical → native

    /// The exact native words `city` has for `canonical` (empty when none, or for Beijing's `none`, expressed by absence).
    public static func exactWords(for canonical: CanonicalReason, in city: City) -> [String] {
        exact[city]?[canonical] ?? []
    }

    /// Whether `city` has an exact word for `canonical` (Beijing's absent `Popup` counts as the exact word for `none`).
    public static func hasExactWord(for canonical: CanonicalReason, in city: City) -> Bool {
        exact[city]?[canonical] != nil
    }

    /// The fallback word of `federation.md` for `canonical` in `city`, or `nil` when the table has "—".
    public static func fallbackWord(for canonical: CanonicalReason, in city: City) -> String? {
        fallback[city]?[canonical]
    }

    /// One reason in `city`'s vocabulary: the exact word when there is one (keeping the reason's own native code when
    /// it is one of the city's exact words, e.g. `SH-SUSPECTED`), else the fallback, marked lossy.
    public static func translate(_ reason: Reason, to city: City) -> TranslatedReason {
        if let words = exact[city]?[reason.code] {
            if let native = reason.native, words.contains(native) {
                return TranslatedReason(canonical: reason.code, native: native, lossy: false)
            }
            return TranslatedReason(canonical: reason.code, native: words.first, lossy: false)
        }
        return TranslatedReason(canonical: reason.code, native: fallback[city]?[reason.code], lossy: true)
    }

    /// Every reason in `city`'s vocabulary, in order.
    public static func translate(_ reasons: [Reason], to city: City) -> [TranslatedReason] {
        reasons.map { translate($0, to: city) }
    }

    /// The one native word to send where a city takes a single reason (Hangzhou `origin_reason`, Beijing `FromPopup`):
    /// the first reason other than `none` with an exact word, else the first with a fallback, else `none`'s word;
    /// `nil` when nothing translates to a word (Beijing's `none`, sent as no popup).
    public static func primary(of reasons: [TranslatedReason]) -> TranslatedReason? {
        let real = reasons.filter { $0.canonical != .none && $0.native != nil }
        return real.first { !$0.lossy } ?? real.first ?? reasons.first { $0.native != nil }
    }
}
