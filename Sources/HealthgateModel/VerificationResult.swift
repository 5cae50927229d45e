import Foundation

/// The canonical answer to "what is this code's status", as `federation.md` defines it: who vouched for what, since when,
/// why, and how fresh the statement is.
public struct VerificationResult: Hashable, Codable, Sendable {
    /// The region that issued the code.
    public var issuer: RegionCode
    /// The gateway's pseudonym for the holder; never an ID number.
    public var holder: HolderPseudonym
    public var status: HealthStatus
    /// Whether the holder may pass: a `green` status whose freshness admits (or that the deployment lets admit).
    public var admits: Bool
    public var reasons: [Reason]
    /// When the issuer set this status.
    public var statusSince: Date?
    /// The last local day of observation (inclusive), when there is one.
    public var observationEnds: LocalDate?
    /// The holder's name as the issuer masked it (`刘*`).
    public var maskedName: String?
    /// When the issuer last vouched for this status.
    public var asOf: Date
    public var freshness: Freshness

    public init(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus, reasons: [Reason],
                statusSince: Date?, observationEnds: LocalDate?, maskedName: String?, asOf: Date,
                freshness: Freshness, admits: Bool? = nil) {
        self.issuer = issuer
        self.holder = holder
        self.status = status
        self.reasons = reasons
        self.statusSince = statusSince
        self.observationEnds = observationEnds
        self.maskedName = maskedName
        self.asOf = asOf
        self.freshness = freshness
        self.admits = admits ?? (status.admits && freshness.admitsByDefault)
    }

    /// The same result as seen at a different freshness; `admits` is recomputed, letting stale or signature-only
    /// greens admit only when `allowDegradedAdmit` is the deployment's explicit choice.
    public func with(freshness: Freshness, allowDegradedAdmit: Bool = false) -> VerificationResult {
        var copy = self
        copy.freshness = freshness
        copy.admits = status.admits && (freshness.admitsByDefault || allowDegradedAdmit)
        return copy
    }

    private enum CodingKeys: String, CodingKey {
        case issuer, holder, status, admits, reasons, statusSince, observationEnds, maskedName, asOf, freshness
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try c.decode(RegionCode.self, forKey: .issuer)
        holder = try c.decode(HolderPseudonym.self, forKey: .holder)
        status = try c.decode(HealthStatus.self, forKey: .status)
        admits = try c.decode(Bool.self, forKey: .admits)
        reasons = try c.decode([Reason].self, forKey: .reasons)
        statusSince = try c.decodeIfPresent(String.self, forKey: .statusSince).map {
            guard let date = ChinaTime.parseISO($0) else {
                throw DecodingError.dataCorruptedError(forKey: .statusSince, in: c, debugDescription: "not ISO 8601")
            }
            return date
        }
        observationEnds = try c.decodeIfPresent(LocalDate.self, forKey: .observationEnds)
        maskedName = try c.decodeIfPresent(String.self, forKey: .maskedName)
        let asOfText = try c.decode(String.self, forKey: .asOf)
        guard let asOf = ChinaTime.parseISO(asOfText) else {
            throw DecodingError.dataCorruptedError(forKey: .asOf, in: c, debugDescription: "not ISO 8601")
        }
        self.asOf = asOf
        freshness = try c.decode(Freshness.self, forKey: .freshness)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(holder, forKey: .holder)
        try c.encode(status, forKey: .status)
        try c.encode(admits, forKey: .admits)
        try c.encode(reasons, forKey: .reasons)
        try c.encodeIfPresent(statusSince.map { ChinaTime.formatISO($0) }, forKey: .statusSince)
        try c.encodeIfPresent(observationEnds, forKey: .observationEnds)
        try c.encodeIfPresent(maskedName, forKey: .maskedName)
        try c.encode(ChinaTime.formatISO(asOf, withMilliseconds: true), forKey: .asOf)
        try c.encode(freshness, forKey: .freshness)
    }
}
