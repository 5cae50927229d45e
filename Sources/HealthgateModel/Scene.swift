/// A checkpoint's scene; the same words as Hangzhou's `industry_type`.
public enum Scene: String, CaseIterable, Codable, Sendable {
    case transport, retail, office, residential, medical, other
}

/// Why a code is being verified: at a checkpoint in some scene, or to transfer a status to another city.
public enum VerificationPurpose: Hashable, Codable, Sendable, CustomStringConvertible {
    case checkpoint(Scene)
    case transfer

    /// The federation protocol's word: `checkpoint` or `transfer`.
    public var federationWord: String {
        switch self {
        case .checkpoint: "checkpoint"
        case .transfer: "transfer"
        }
    }

    /// The audit word: the scene for a checkpoint, `transfer` otherwise.
    public var description: String {
        switch self {
        case .checkpoint(let scene): scene.rawValue
        case .transfer: "transfer"
        }
    }
}
