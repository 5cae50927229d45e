import Foundation
import HealthgateModel
import Testing

/// `VerificationResult.jsonBytes()` (what the cache stores) is what JSONEncoder writes, and reads back the same.
@Suite("verification result JSON")
struct VerificationResultJSONTests {
    @Test("same bytes as JSONEncoder with sorted keys; decodes to the same result")
    func sameBytes() throws {
        let holder = PseudonymKey(bytes: [UInt8](repeating: 3, count: 32))!.pseudonym(issuer: .shanghai, holderRef: "s")
        let t0 = Date(timeIntervalSince1970: 1_796_000_000.5)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for status in HealthStatus.allCases {
            let result = VerificationResult(
                issuer: .shanghai, holder: holder, status: status,
                reasons: [Reason(code: .closeContact, native: "SH-CONTACT"), Reason(code: .other, native: nil)],
                statusSince: status == .green ? nil : Date(timeIntervalSince1970: 1_796_000_000), observationEnds: status == .red ? LocalDate("2026-12-31") : nil,
                maskedName: status == .unknown ? nil : "李\"*", asOf: t0, freshness: .live)
            let written = result.jsonBytes()
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: try encoder.encode(result), as: UTF8.self))
            #expect(try JSONDecoder().decode(VerificationResult.self, from: Data(written)) == result)
        }
    }
}
