import HealthgateModel

/// Hangzhou's status words (`code_color`) and the canonical statuses of `federation.md`.
enum HangzhouVocabulary {
    /// The canonical status of a `code_color`; `nil` for a word the document does not have.
    static func status(_ word: String) -> HealthStatus? {
        switch word {
        case "green": .green
        case "yellow": .yellow
        case "red": .red
        case "init": .pending
        default: nil
        }
    }

    /// Hangzhou's word for a canonical status; `nil` for `unknown`, which Hangzhou has no word for.
    static func word(_ status: HealthStatus) -> String? {
        switch status {
        case .green: "green"
        case .yellow: "yellow"
        case .red: "red"
        case .pending: "init"
        case .unknown: nil
        }
    }

    /// Whether a `holder_ref` has the document's shape: 32 hex digits.
    static func isHolderRef(_ text: String) -> Bool {
        HexText.isHex(text, count: 32, lowerOnly: false)
    }

    /// Whether a digest is 64 lower-case hex digits (`id_no_sha256`).
    static func isDigest(_ text: String) -> Bool {
        HexText.isHex(text, count: 64, lowerOnly: true)
    }
}
