import Foundation

/// "This holder's status changed": from a city's native notification or a peer's `status-events`; drops every cached
/// entry of the holder.
public struct HolderChangedEvent: Hashable, Sendable {
    public var issuer: RegionCode
    /// The issuer's native holder reference (Hangzhou `holder_ref`, Shanghai `sid`, Beijing card id).
    public var holderRef: String
    /// The new status, when the notification says it.
    public var status: HealthStatus?
    /// When the issuer changed it.
    public var at: Date?

    public init(issuer: RegionCode, holderRef: String, status: HealthStatus?, at: Date?) {
        self.issuer = issuer
        self.holderRef = holderRef
        self.status = status
        self.at = at
    }
}
