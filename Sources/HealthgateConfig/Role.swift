import HealthgateModel

/// What a caller's certificate lets it do.
public enum Role: Hashable, Sendable, CustomStringConvertible {
    /// A checkpoint of the home city: `POST /v1/verify`.
    case checkpoint
    /// An app backend that moves travellers' statuses between cities.
    case transferAgent
    /// Another city's gateway: the `/federation/v1/*` endpoints.
    case peerGateway
    /// Operators.
    case ops
    /// A city's notification certificate, trusted for that city's notification endpoint alone.
    case notifier(RegionCode)

    /// Parses `checkpoint`, `transfer-agent`, `peer-gateway`, `ops` or `notifier:<region>`.
    public init?(word: String) {
        switch word {
        case "checkpoint": self = .checkpoint
        case "transfer-agent": self = .transferAgent
        case "peer-gateway": self = .peerGateway
        case "ops": self = .ops
        default:
            guard word.hasPrefix("notifier:"), let region = RegionCode(rawValue: String(word.dropFirst(9))) else {
                return nil
            }
            self = .notifier(region)
        }
    }

    /// The configuration word of this role.
    public var description: String {
        switch self {
        case .checkpoint: "checkpoint"
        case .transferAgent: "transfer-agent"
        case .peerGateway: "peer-gateway"
        case .ops: "ops"
        case .notifier(let region): "notifier:\(region.rawValue)"
        }
    }
}
