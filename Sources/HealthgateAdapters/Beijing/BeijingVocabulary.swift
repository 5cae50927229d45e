import HealthgateModel

/// Beijing's status words (`Status`), its arrival colour words (`FromColor`) and the canonical statuses of
/// `federation.md`.
enum BeijingVocabulary {
    /// The canonical status of a `Status` word; `nil` for a word the document does not have.
    static func status(_ word: String) -> HealthStatus? {
        switch word {
        case "未见异常": .green
        case "居家观察": .yellow
        case "集中观察": .red
        case "核验中": .pending
        case "暂无信息": .unknown
        default: nil
        }
    }

    /// Beijing's `Status` word for a canonical status.
    static func word(_ status: HealthStatus) -> String {
        switch status {
        case .green: "未见异常"
        case .yellow: "居家观察"
        case .red: "集中观察"
        case .pending: "核验中"
        case .unknown: "暂无信息"
        }
    }

    /// `FromColor` of an arrival: `GREEN`, `YELLOW`, `RED`; `nil` for a status that is not a colour.
    static func arrivalColour(_ status: HealthStatus) -> String? {
        switch status {
        case .green: "GREEN"
        case .yellow: "YELLOW"
        case .red: "RED"
        case .pending, .unknown: nil
        }
    }

    /// Whether a card id has the document's shape: 20 digits.
    static func isCardID(_ text: String) -> Bool {
        text.utf8.count == 20 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
