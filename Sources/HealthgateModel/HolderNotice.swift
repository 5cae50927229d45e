import Foundation

/// The newest status an issuer announced for one holder (a city's colour-change notification or a peer's status
/// event), kept so that no degraded answer (stale, signature-only) is less severe than what the issuer last said.
public struct HolderNotice: Hashable, Sendable {
    /// The announced status; `nil` when the announcement said only that the status changed.
    public var status: HealthStatus?
    /// When the issuer says it changed the status, when it said.
    public var changedAt: Date?
    /// When the gateway received the announcement: the instant the issuer last vouched for `status`.
    public var noticedAt: Date

    public init(status: HealthStatus?, changedAt: Date?, noticedAt: Date) {
        self.status = status
        self.changedAt = changedAt
        self.noticedAt = noticedAt
    }
}

extension VerificationResult {
    /// This result, never less severe than `notice` when the notice is newer than the result (`asOf`).
    ///
    /// A result the issuer vouched for after the notice arrived stands as it is: it is the newer word. Otherwise a
    /// colour less severe than the announced one, or a green beside an announcement without a colour (or with
    /// `pending`/`unknown`), becomes the announced status: no reasons (the announcement gives none), `statusSince` the
    /// change, `asOf` the announcement, never admitting.
    public func bounded(by notice: HolderNotice?) -> VerificationResult {
        guard let notice, notice.noticedAt >= asOf else { return self }
        let announced = notice.status ?? .unknown
        let weaker = status.isLessSevere(than: announced) || (status == .green && !announced.isColour)
        guard weaker else { return self }
        var copy = self
        copy.status = announced
        copy.reasons = Reason.absent(for: announced)
        copy.statusSince = notice.changedAt ?? notice.noticedAt
        copy.observationEnds = nil
        copy.asOf = notice.noticedAt
        copy.admits = false
        return copy
    }
}
