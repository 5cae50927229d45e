/// The canonical health status of `federation.md`: three colours plus the two "no decision" states.
public enum HealthStatus: String, CaseIterable, Codable, Sendable {
    case green
    case yellow
    case red
    /// Application under review, no colour yet (Hangzhou `init`, Beijing 核验中).
    case pending
    /// Not enrolled or no record (Shanghai 9, Beijing 暂无信息).
    case unknown

    /// Whether this status, on its own and when fresh, lets the holder pass. Only `green` does.
    public var admits: Bool { self == .green }

    /// The severity rank for comparisons (`green` < `yellow` < `red`); `nil` for the states with no colour.
    public var severity: Int? {
        switch self {
        case .green: 0
        case .yellow: 1
        case .red: 2
        case .pending, .unknown: nil
        }
    }

    /// Whether this is a colour strictly less severe than `other`. `pending` and `unknown` are never less severe than anything.
    public func isLessSevere(than other: HealthStatus) -> Bool {
        guard let mine = severity, let theirs = other.severity else { return false }
        return mine < theirs
    }

    /// Whether this status is a colour (`green`, `yellow`, `red`): the only states a transfer may start from.
    public var isColour: Bool { severity != nil }
}
