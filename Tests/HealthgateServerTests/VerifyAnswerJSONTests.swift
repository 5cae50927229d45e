import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing
@testable import HealthgateServer

/// The request path's `JSONWriter` writes exactly what `JSONEncoder` (sorted keys, slashes unescaped) would.
@Suite("verify answer JSON")
struct VerifyAnswerJSONTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000.123)

    static func results() -> [VerificationResult] {
        let holder = PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))!.pseudonym(issuer: .hangzhou, holderRef: "ref")
        var out: [VerificationResult] = []
        for status in HealthStatus.allCases {
            for freshness in [Freshness.live, .cached, .stale, .signatureOnly] {
                out.append(VerificationResult(
                    issuer: .hangzhou, holder: holder, status: status,
                    reasons: status == .green ? Reason.absent(for: .green)
                        : [Reason(code: .keyAreaTravel, native: "R12"), Reason(code: .other, native: nil)],
                    statusSince: status == .pending ? nil : t0.addingTimeInterval(-86_400),
                    observationEnds: status == .yellow ? LocalDate("2026-12-09") : nil,
                    maskedName: status == .unknown ? nil : "刘*", asOf: t0, freshness: freshness))
            }
        }
        // Strings a hostile issuer could send: quotes, backslashes, control characters, slashes, non-ASCII.
        out.append(VerificationResult(
            issuer: .beijing, holder: holder, status: .red,
            reasons: [Reason(code: .other, native: "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}/é😀\u{2028}")],
            statusSince: t0, observationEnds: nil, maskedName: "王\"*\\", asOf: t0, freshness: .live))
        return out
    }

    @Test("every status, freshness, language and rendering: byte for byte what JSONEncoder writes")
    func sameBytes() throws {
        let adapters: [any CityAdapter] = [HangzhouAdapter(), BeijingAdapter(), ShanghaiAdapter(keys: ShanghaiKeyStore())]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var compared = 0
        for result in Self.results() {
            for language in ExplanationLanguage.allCases {
                let explanation = Explanation(result, issuer: IssuingCity(region: result.issuer), language: language,
                                              now: Self.t0.addingTimeInterval(180))
                var candidates = [VerifyAnswer(result: result, explanation: explanation),
                                  VerifyAnswer(result: result, explanation: explanation, idDigest: String(repeating: "ab", count: 32),
                                               codeValidUntil: Self.t0.addingTimeInterval(300))]
                for adapter in adapters {
                    candidates.append(VerifyAnswer(result: result, explanation: explanation, local: adapter.render(result)))
                }
                for answer in candidates {
                    let expected = try encoder.encode(answer)
                    let written = answer.jsonBytes()
                    #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
                    compared += 1
                }
            }
        }
        #expect(compared > 200)
    }
}
