import Foundation
import HealthgateCore
import HealthgateModel
import Testing

/// A transfer's answer is encoded once and kept byte for byte; a repeat in another language gets the same bytes with
/// only its `explanation` rendered again (`TransferAnswer.explained`).
@Suite("transfer explanation")
struct TransferExplanationTests {
    static let now = ChinaTime.date(year: 2026, month: 12, day: 1, hour: 10)!

    /// A stored answer body as `TransferAnswer` writes it (sorted keys), explained in Chinese.
    static func body() throws -> [UInt8] {
        let result = VerificationResult(
            issuer: .shanghai, holder: PseudonymKey(bytes: Array(repeating: 3, count: 32))!
                .pseudonym(issuer: .shanghai, holderRef: "S-1"),
            status: .yellow, reasons: [Reason(code: .keyAreaTravel, native: "SH-KEYAREA-ARRIVAL")], statusSince: now,
            observationEnds: LocalDate(year: 2026, month: 12, day: 9), maskedName: "刘*", asOf: now, freshness: .live)
        struct Body: Encodable {
            var result: VerificationResult
            var explanation: Explanation
            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(explanation, forKey: .explanation)
                try container.encode(#"a "quoted" {note}, [with] "explanation":{"lang":"en"}"#, forKey: .local)
                try container.encode(false, forKey: .replayed)
            }
            enum Key: String, CodingKey { case explanation, local, replayed }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Body(result: result, explanation: explain(result, .chinese))))
    }

    static func explain(_ result: VerificationResult, _ language: ExplanationLanguage) -> Explanation {
        Explanation(result, issuer: IssuingCity(region: result.issuer), language: language, now: now)
    }

    @Test("the same language: the very same bytes")
    func sameLanguage() throws {
        let body = try Self.body()
        #expect(TransferAnswer.explained(body, in: .chinese) { Self.explain($0, .chinese) } == body)
    }

    @Test("another language: only the explanation changes")
    func otherLanguage() throws {
        let body = try Self.body()
        let english = TransferAnswer.explained(body, in: .english) { Self.explain($0, .english) }
        let before = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        var after = try #require(try JSONSerialization.jsonObject(with: Data(english)) as? [String: Any])
        let told = try #require(after["explanation"] as? [String: Any])
        #expect(told["lang"] as? String == "en")
        #expect(told["text"] as? String == "Yellow: recent travel to a key area; observation until 9 December (inclusive).")
        after["explanation"] = before["explanation"]
        let sorted = { (object: Any) in try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }
        #expect(try sorted(after) == sorted(before))
        // And back: the Chinese rendering is the original, byte for byte.
        #expect(TransferAnswer.explained(english, in: .chinese) { Self.explain($0, .chinese) } == body)
    }

    @Test("a problem body, and a body recorded before explanations were objects")
    func otherBodies() throws {
        let problem = Array(#"{"detail":"no","status":409,"title":"Policy Conflict","type":"policy-conflict"}"#.utf8)
        #expect(TransferAnswer.explained(problem, in: .english) { Self.explain($0, .english) } == problem)
        // An answer stored with the old one-line English explanation gets the new object.
        let old = String(decoding: try Self.body(), as: UTF8.self)
        let start = try #require(old.range(of: #""explanation":{"#))
        let end = try #require(old.range(of: #"},"freshness""#))
        let legacy = old[..<start.lowerBound] + #""explanation":"yellow: key-area travel","#
            + #""freshness""# + old[end.upperBound...]
        let renewed = TransferAnswer.explained(Array(legacy.utf8), in: .chinese) { Self.explain($0, .chinese) }
        #expect(renewed == (try Self.body()))
    }
}
