import Foundation
import HealthgateModel

/// One holder's invalidation as replicas share it: every cached answer about `holder` of `issuer` must go, and
/// `status` (when announced) is the holder's newest notice. Holds a pseudonym, never a code or an ID number.
public struct HolderInvalidation: Hashable, Sendable {
    public var issuer: RegionCode
    public var holder: HolderPseudonym
    /// The announced status; `nil` when the announcement said only that the status changed.
    public var status: HealthStatus?
    /// When the issuer says the status changed, when it said.
    public var changedAt: Date?

    public init(issuer: RegionCode, holder: HolderPseudonym, status: HealthStatus?, changedAt: Date?) {
        self.issuer = issuer
        self.holder = holder
        self.status = status
        self.changedAt = changedAt
    }

    /// The `NOTIFY` payload: `issuer holder status changedMs`, `-` for an absent value (well under PostgreSQL's
    /// 8000-byte payload limit).
    var payload: String {
        [issuer.rawValue, holder.rawValue, status?.rawValue ?? "-",
         changedAt.map { String(Self.milliseconds($0)) } ?? "-"].joined(separator: " ")
    }

    /// Decodes a `NOTIFY` payload written by `payload`.
    init(payload: String) throws(PostgresStoreError) {
        let parts = payload.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let issuer = RegionCode(rawValue: parts[0]),
            let holder = HolderPseudonym(rawValue: parts[1])
        else { throw PostgresStoreError(.encoding, "an invalidation notification could not be decoded") }
        let status: HealthStatus?
        if parts[2] == "-" {
            status = nil
        } else if let known = HealthStatus(rawValue: parts[2]) {
            status = known
        } else {
            throw PostgresStoreError(.encoding, "an invalidation notification named an unknown status")
        }
        let changedAt: Date?
        if parts[3] == "-" {
            changedAt = nil
        } else if let ms = Int64(parts[3]) {
            changedAt = Self.date(milliseconds: ms)
        } else {
            throw PostgresStoreError(.encoding, "an invalidation notification had a malformed time")
        }
        self.init(issuer: issuer, holder: holder, status: status, changedAt: changedAt)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
