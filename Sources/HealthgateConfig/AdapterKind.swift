/// Which native interface a configured city speaks.
public enum AdapterKind: String, CaseIterable, Hashable, Sendable {
    /// `hangzhou.md`.
    case hangzhou
    /// `shanghai.md`.
    case shanghai
    /// `beijing.md`.
    case beijing
    /// Another gateway's `/federation/v1/verify` (`federation.md`).
    case federation
}
