import Foundation
import HealthgateAdapters
import HealthgateModel

/// The answer of `POST /v1/transfers`: the home city's result (the canonical fields, as `/v1/verify` answers them),
/// plus `requestId`, `explanation` (what the traveller is told, in the asking request's language), `local` (the home
/// city's own words), `reasonTranslations` (each origin reason in the home vocabulary, fallbacks marked lossy),
/// `origin` (the origin city's live result) and `replayed`.
///
/// Encoded once, with sorted keys, when the transfer completes; that body is stored and every repeat answers it again
/// with `replayed` set to true, and with the explanation rendered again when the repeat asks for another language.
public struct TransferAnswer: Encodable, Sendable {
    /// The completed transfer.
    public let outcome: TransferOutcome
    /// What the traveller is told about the home city's result.
    public let explanation: Explanation

    /// The answer of `outcome`, explained by `explanation`.
    public init(_ outcome: TransferOutcome, explanation: Explanation) {
        self.outcome = outcome
        self.explanation = explanation
    }

    enum Key: String, CodingKey { case requestId, explanation, local, reasonTranslations, origin, replayed }

    public func encode(to encoder: any Encoder) throws {
        try outcome.result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(outcome.requestID.uuidString.lowercased(), forKey: .requestId)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(outcome.local, forKey: .local)
        try container.encode(outcome.translations, forKey: .reasonTranslations)
        try container.encode(outcome.origin, forKey: .origin)
        try container.encode(outcome.replayed, forKey: .replayed)
    }

    /// The JSON body: sorted keys, slashes unescaped.
    public var body: [UInt8] {
        get throws(HealthgateError) {
            do { return Array(try Self.encoder.encode(self)) } catch {
                throw HealthgateError(.internalError, "the answer could not be encoded")
            }
        }
    }

    /// The problem+json body (RFC 9457, as the server renders errors) of a transfer that failed at the home city.
    public static func problemBody(_ error: HealthgateError) -> [UInt8] {
        struct Problem: Encodable { var type: String, title: String, status: Int, detail: String }
        let title = error.code.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
        let problem = Problem(type: error.code.rawValue, title: title, status: error.code.httpStatus, detail: error.detail)
        return Array((try? encoder.encode(problem)) ?? Data())
    }

    /// `body` as a repeat answers it: the top-level `"replayed":false` turned to `true`, every other byte unchanged.
    /// (Inside a JSON string a quote is escaped, so the pattern can only be the top-level member.)
    public static func markingReplayed(_ body: [UInt8]) -> [UInt8] {
        let pattern = Array(#""replayed":false"#.utf8)
        guard body.count >= pattern.count else { return body }
        for start in 0...(body.count - pattern.count) where body[start..<start + pattern.count].elementsEqual(pattern) {
            return Array(body[..<start]) + Array(#""replayed":true"#.utf8) + Array(body[(start + pattern.count)...])
        }
        return body
    }

    /// `body` with its top-level `explanation` in `language`: unchanged when it already is (or when the body has no
    /// explanation, as a problem has not); else the result the body holds, explained again by `explain`, in place of
    /// the old explanation (every other byte unchanged).
    public static func explained(_ body: [UInt8], in language: ExplanationLanguage,
                                 by explain: (VerificationResult) -> Explanation) -> [UInt8] {
        guard let range = JSONMembers.valueRange(of: "explanation", in: body) else { return body }
        let already = Array(#"{"lang":""#.utf8) + Array(language.rawValue.utf8) + [UInt8(ascii: "\"")]
        if body[range].starts(with: already) { return body }
        guard let result = try? JSONDecoder().decode(VerificationResult.self, from: Data(body)),
              let encoded = try? encoder.encode(explain(result))
        else { return body }
        return JSONMembers.replacing(range, in: body, with: Array(encoded))
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
