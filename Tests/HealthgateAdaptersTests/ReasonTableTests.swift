import HealthgateAdapters
import HealthgateModel
import Testing

/// federation.md's reason tables, row by row, in both directions.
@Suite struct ReasonTableTests {
    typealias City = ReasonTable.City

    /// (canonical, Hangzhou, Shanghai, Beijing popup) exactly as the "Reasons" table prints them; nil = "—".
    static let exactRows: [(CanonicalReason, [String]?, [String]?, [String]?)] = [
        (.none, ["R00"], ["SH-CLEAR"], []),
        (.keyAreaTravel, ["R12"], ["SH-KEYAREA-ARRIVAL"], ["1"]),
        (.closeContact, ["R11"], ["SH-CONTACT"], ["2"]),
        (.confirmedOrSuspected, ["R21"], ["SH-CONFIRMED", "SH-SUSPECTED"], ["3"]),
        (.medicalObservation, ["R22"], ["SH-OBSERVATION"], ["4"]),
        (.authorityDecision, ["R90"], nil, ["5"]),
        (.symptoms, ["R13"], nil, nil),
        (.missedCheckIn, ["R14"], nil, nil),
        (.underReview, nil, ["SH-APPEAL"], nil),
        (.other, nil, nil, nil),
    ]

    /// The fallback table: (canonical, in Hangzhou, in Shanghai, in Beijing); nil = "—".
    static let fallbackRows: [(CanonicalReason, String?, String?, String?)] = [
        (.authorityDecision, nil, "SH-OBSERVATION", nil),
        (.symptoms, nil, "SH-OBSERVATION", "5"),
        (.missedCheckIn, nil, "SH-OBSERVATION", "5"),
        (.underReview, "R90", nil, "5"),
        (.other, "R90", "SH-OBSERVATION", "5"),
    ]

    @Test func everyNativeCodeReadsAsItsCanonicalReasonKeepingTheNative() {
        for (canonical, hz, sh, bj) in Self.exactRows {
            for (city, words) in [(City.hangzhou, hz), (.shanghai, sh), (.beijing, bj)] {
                for word in words ?? [] {
                    #expect(ReasonTable.reason(fromNative: word, in: city) == Reason(code: canonical, native: word),
                            "\(city) \(word)")
                }
            }
        }
    }

    @Test(arguments: [("R99", City.hangzhou), ("r12", .hangzhou), ("SH-NEW", .shanghai), ("7", .beijing),
                      ("R12", .beijing), ("1", .hangzhou)])
    func anUnknownNativeCodeIsOtherAndKept(_ native: String, _ city: City) {
        #expect(ReasonTable.reason(fromNative: native, in: city) == Reason(code: .other, native: native))
    }

    @Test func noReasonIsNoneForGreenAndNothingOtherwise() {
        #expect(ReasonTable.reasons(fromNative: [], in: .shanghai, status: .green) == [Reason(code: .none, native: nil)])
        for status in [HealthStatus.yellow, .red, .pending, .unknown] {
            #expect(ReasonTable.reasons(fromNative: [], in: .shanghai, status: status).isEmpty)
        }
        #expect(ReasonTable.reasons(fromNative: ["SH-CONTACT", "SH-X"], in: .shanghai, status: .yellow)
            == [Reason(code: .closeContact, native: "SH-CONTACT"), Reason(code: .other, native: "SH-X")])
    }

    @Test func exactWordsTranslateWithoutLoss() {
        for (canonical, hz, sh, bj) in Self.exactRows {
            for (city, words) in [(City.hangzhou, hz), (.shanghai, sh), (.beijing, bj)] {
                guard let words else { continue }
                let translated = ReasonTable.translate(Reason(code: canonical, native: nil), to: city)
                #expect(translated == TranslatedReason(canonical: canonical, native: words.first, lossy: false),
                        "\(canonical) in \(city)")
            }
        }
    }

    @Test func missingWordsUseTheFallbackAndRecordTheLoss() {
        for (canonical, hz, sh, bj) in Self.fallbackRows {
            for (city, word) in [(City.hangzhou, hz), (.shanghai, sh), (.beijing, bj)] {
                #expect(ReasonTable.fallbackWord(for: canonical, in: city) == word, "\(canonical) in \(city)")
                guard let word else {
                    // "—" in the fallback table: the city has an exact word instead.
                    #expect(ReasonTable.hasExactWord(for: canonical, in: city), "\(canonical) in \(city)")
                    continue
                }
                #expect(!ReasonTable.hasExactWord(for: canonical, in: city))
                let translated = ReasonTable.translate(Reason(code: canonical, native: "X1"), to: city)
                #expect(translated == TranslatedReason(canonical: canonical, native: word, lossy: true),
                        "\(canonical) in \(city)")
            }
        }
    }

    @Test func everyCanonicalReasonHasAWordInEveryCity() {
        for reason in CanonicalReason.allCases {
            for city in City.allCases {
                let translated = ReasonTable.translate(Reason(code: reason, native: nil), to: city)
                // Only Beijing's `none` has no word: it is expressed by leaving Popup out, without loss.
                if reason == .none, city == .beijing {
                    #expect(translated == TranslatedReason(canonical: .none, native: nil, lossy: false))
                } else {
                    #expect(translated.native != nil, "\(reason) in \(city)")
                }
            }
        }
    }

    @Test func aNativeCodeThatIsOneOfTheTargetsExactWordsIsKept() {
        let suspected = Reason(code: .confirmedOrSuspected, native: "SH-SUSPECTED")
        #expect(ReasonTable.translate(suspected, to: .shanghai).native == "SH-SUSPECTED")
        #expect(ReasonTable.translate(suspected, to: .hangzhou).native == "R21")
        #expect(ReasonTable.translate(Reason(code: .confirmedOrSuspected, native: "R21"), to: .shanghai).native
            == "SH-CONFIRMED")
    }

    @Test func translatingAListKeepsItsOrder() {
        let reasons = [Reason(code: .symptoms, native: "R13"), Reason(code: .keyAreaTravel, native: "R12")]
        #expect(ReasonTable.translate(reasons, to: .beijing) == [
            TranslatedReason(canonical: .symptoms, native: "5", lossy: true),
            TranslatedReason(canonical: .keyAreaTravel, native: "1", lossy: false),
        ])
    }

    @Test func thePrimaryWordPrefersAnExactRealReason() {
        let translated = [
            TranslatedReason(canonical: .none, native: "R00", lossy: false),
            TranslatedReason(canonical: .symptoms, native: "5", lossy: true),
            TranslatedReason(canonical: .keyAreaTravel, native: "1", lossy: false),
        ]
        #expect(ReasonTable.primary(of: translated)?.native == "1")
        #expect(ReasonTable.primary(of: Array(translated.prefix(2)))?.native == "5")
        #expect(ReasonTable.primary(of: Array(translated.prefix(1)))?.native == "R00")
        #expect(ReasonTable.primary(of: [TranslatedReason(canonical: .none, native: nil, lossy: false)]) == nil)
        #expect(ReasonTable.primary(of: []) == nil)
    }

    @Test func citiesOfRegions() {
        #expect(City(region: .hangzhou) == .hangzhou)
        #expect(City(region: .shanghai) == .shanghai)
        #expect(City(region: .beijing) == .beijing)
        #expect(City(region: RegionCode(rawValue: "440300")!) == nil)
        for city in City.allCases { #expect(City(region: city.region) == city) }
    }
}
