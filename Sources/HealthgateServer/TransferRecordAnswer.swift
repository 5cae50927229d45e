import Foundation
import HealthgateModel
import HealthgateStorage

/// The answer of `GET /v1/transfers/{requestId}`: `answer` (the body the gateway gave the first `POST`, byte for byte:
/// the result, or the problem of a policy conflict), `outcome` (`done`, `policy-conflict`), `createdAt`, `requestId`, and
/// `explanation`, what the traveller is told: `text` (one sentence), `status`, `reasons` in words, `observationEnds`
/// (the last day, inclusive) and `origin` (the origin city's status, reasons in words and observation end).
struct TransferRecordAnswer: Encodable {
    let stored: StoredTransfer

    init(_ stored: StoredTransfer) { self.stored = stored }

    /// What the traveller is told.
    struct Explanation: Encodable {
        var text: String
        var status: HealthStatus?
        var reasons: [String]
        var observationEnds: LocalDate?
        var origin: Origin
    }

    /// The origin city's side, in words.
    struct Origin: Encodable {
        var issuer: RegionCode
        var status: HealthStatus
        var reasons: [String]
        var observationEnds: LocalDate?
        var asOf: String
    }

    enum Key: String, CodingKey { case createdAt, explanation, outcome, requestId }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(ChinaTime.formatISO(stored.created, withMilliseconds: true), forKey: .createdAt)
        try container.encode(stored.outcome, forKey: .outcome)
        try container.encode(stored.requestID.uuidString.lowercased(), forKey: .requestId)
        let explanation = Explanation(
            text: stored.explanation, status: stored.homeStatus, reasons: Self.words(stored.homeReasons),
            observationEnds: stored.homeObservationEnds,
            origin: Origin(issuer: stored.originIssuer, status: stored.originStatus,
                           reasons: Self.words(stored.originReasons), observationEnds: stored.originObservationEnds,
                           asOf: ChinaTime.formatISO(stored.originAsOf, withMilliseconds: true)))
        try container.encode(explanation, forKey: .explanation)
    }

    /// The reasons as phrases ("key-area travel"); `none` says nothing.
    static func words(_ reasons: [Reason]) -> [String] {
        reasons.filter { $0.code != .none }.map(\.code.phrase)
    }

    /// The JSON body: the record's own fields with sorted keys, and `answer` (the stored body, unchanged) first.
    var body: [UInt8] {
        get throws(HealthgateError) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let rest = try? encoder.encode(self), rest.first == UInt8(ascii: "{"), !stored.answer.isEmpty else {
                throw HealthgateError(.internalError, "the recorded transfer could not be encoded")
            }
            // `answer` sorts before every other key, so splicing it in after the brace keeps the keys sorted.
            return Array(#"{"answer":"#.utf8) + stored.answer + [UInt8(ascii: ",")] + Array(rest.dropFirst())
        }
    }
}
