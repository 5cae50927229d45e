/// The city an explanation speaks of: its region, how it is called in each language, and whom to ask there.
///
/// Hangzhou, Shanghai and Beijing have their names in both languages (杭州 / Hangzhou …); any other city is called by
/// the name the configuration gives it (the key under `cities:`), or by its region code when it is not configured.
public struct IssuingCity: Hashable, Sendable {
    /// The city's region.
    public var region: RegionCode
    /// The configuration's name for it (`wuhan`), used for cities the table has no names for.
    public var configuredName: String?
    /// The city's health-code service, when configured.
    public var support: SupportContact?

    /// The city of `region`; an empty `support` counts as none.
    public init(region: RegionCode, configuredName: String? = nil, support: SupportContact? = nil) {
        self.region = region
        self.configuredName = configuredName
        self.support = (support?.isEmpty ?? true) ? nil : support
    }

    /// The names of the cities the table knows, by region: (Chinese, English).
    static let knownNames: [RegionCode: (chinese: String, english: String)] = [
        .hangzhou: ("杭州", "Hangzhou"),
        .shanghai: ("上海", "Shanghai"),
        .beijing: ("北京", "Beijing"),
    ]

    /// The city's name in `language` (`杭州`, `Hangzhou`).
    public func name(in language: ExplanationLanguage) -> String {
        if let known = Self.knownNames[region] {
            return language == .chinese ? known.chinese : known.english
        }
        return configuredName ?? region.rawValue
    }
}
