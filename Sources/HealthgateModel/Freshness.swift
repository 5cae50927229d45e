/// How recently the issuer vouched for a result, as `federation.md` defines it.
public enum Freshness: String, Codable, Sendable {
    /// The issuer was asked just now.
    case live
    /// Served from cache within the city's freshness budget.
    case cached
    /// The issuer is unreachable; the last answer is older than the budget but within the stale limit.
    case stale
    /// No live answer: the QR token's own signed status at issue time (Shanghai only).
    case signatureOnly = "signature-only"

    /// Whether a result of this freshness may admit on its own. `stale` and `signature-only` admit only by explicit deployment choice.
    public var admitsByDefault: Bool { self == .live || self == .cached }
}
