import Foundation
import HealthgateModel
import Testing

@Suite struct HealthStatusTests {
    @Test func onlyGreenAdmits() {
        #expect(HealthStatus.allCases.filter(\.admits) == [.green])
    }

    @Test func severityOrder() {
        #expect(HealthStatus.green.isLessSevere(than: .yellow))
        #expect(HealthStatus.yellow.isLessSevere(than: .red))
        #expect(!HealthStatus.red.isLessSevere(than: .green))
        for status in HealthStatus.allCases {
            #expect(!HealthStatus.pending.isLessSevere(than: status))
            #expect(!HealthStatus.unknown.isLessSevere(than: status))
            #expect(!status.isLessSevere(than: .pending))
        }
    }
}

@Suite struct HolderPseudonymTests {
    let key = PseudonymKey(bytes: Array(repeating: UInt8(7), count: 32))!

    @Test func isStableKeyedAndScopedToIssuer() {
        let a = key.pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        let b = key.pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        let c = key.pseudonym(issuer: .shanghai, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        let other = PseudonymKey(bytes: Array(repeating: UInt8(8), count: 32))!
            .pseudonym(issuer: .hangzhou, holderRef: "9f2c61d0a4b7e8f35c1d2e3f4a5b6c7d")
        #expect(a == b)
        #expect(a != c)
        #expect(a != other)
        #expect(a.rawValue.hasPrefix("hg1:"))
        #expect(!a.rawValue.contains("9f2c61d0"))
        #expect(HolderPseudonym(rawValue: a.rawValue) == a)
    }

    @Test func refusesShortKeys() {
        #expect(PseudonymKey(bytes: Array(repeating: UInt8(1), count: 16)) == nil)
    }
}

@Suite struct ResidentIDTests {
    @Test func acceptsValidNumbers() throws {
        let id = try ResidentID(validating: "33010619900101123x")
        #expect(id.value == "33010619900101123X")
        #expect(try ResidentID(validating: "110105199003070017").value == "110105199003070017")
    }

    @Test func masksItselfInDescriptions() throws {
        let id = try ResidentID(validating: "33010619900101123X")
        #expect("\(id)" == "330106***********X")
        #expect(!String(reflecting: id).contains("19900101"))
    }

    @Test(arguments: [
        ("33010619900101123", "18 characters"),
        ("330106199001011239", "check character"),
        ("330106199002301239", "birth date"),
        ("3301061990010112AX", "digits"),
    ])
    func refusesInvalidNumbers(text: String, reason: String) {
        #expect(throws: HealthgateError.self) { try ResidentID(validating: text) }
        do {
            _ = try ResidentID(validating: text)
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.detail.contains(reason))
            #expect(!error.detail.contains(text))
        }
    }
}

@Suite struct VerificationResultTests {
    let holder = PseudonymKey(bytes: Array(repeating: UInt8(7), count: 32))!.pseudonym(issuer: .hangzhou, holderRef: "x")

    @Test func encodesTheFederationShape() throws {
        let result = VerificationResult(
            issuer: .hangzhou, holder: holder, status: .yellow,
            reasons: [Reason(code: .keyAreaTravel, native: "R12")],
            statusSince: ChinaTime.parseDashed("2020-02-28 10:00:00"), observationEnds: LocalDate("2020-03-08"),
            maskedName: "刘*", asOf: Date(timeIntervalSince1970: 1_583_108_100.412), freshness: .live)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json.contains(#""statusSince":"2020-02-28T10:00:00+08:00""#))
        #expect(json.contains(#""observationEnds":"2020-03-08""#))
        #expect(json.contains(#""asOf":"2020-03-02T08:15:00.412+08:00""#))
        #expect(json.contains(#""admits":false"#))
        #expect(json.contains(#""issuer":"330100""#))
        let decoded = try JSONDecoder().decode(VerificationResult.self, from: Data(json.utf8))
        #expect(decoded.status == .yellow)
        #expect(decoded.observationEnds == result.observationEnds)
        #expect(Explanation(result, issuer: IssuingCity(region: .hangzhou), language: .english, now: result.asOf).text
            == "Yellow: recent travel to a key area; observation until 8 March (inclusive).")
    }

    @Test func staleAndSignatureOnlyGreensDoNotAdmitByDefault() {
        let green = VerificationResult(issuer: .shanghai, holder: holder, status: .green, reasons: Reason.absent(for: .green),
                                       statusSince: nil, observationEnds: nil, maskedName: nil, asOf: Date(), freshness: .live)
        #expect(green.admits)
        #expect(green.with(freshness: .cached).admits)
        #expect(!green.with(freshness: .stale).admits)
        #expect(!green.with(freshness: .signatureOnly).admits)
        #expect(green.with(freshness: .stale, allowDegradedAdmit: true).admits)
    }
}

@Suite struct Base64URLTests {
    @Test func roundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("a=") == nil)
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
    }
}
