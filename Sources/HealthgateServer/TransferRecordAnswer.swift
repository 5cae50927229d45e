import Foundation
import HealthgateConfig
import HealthgateModel
import HealthgateStorage

/// The answer of `GET /v1/transfers/{requestId}`: `answer` (the body the gateway gave the first `POST`, byte for byte:
/// the result, or the problem of a policy conflict), `outcome` (`done`, `policy-conflict`), `createdAt`, `requestId`, and
/// `explanation`, what the traveller is told, in the language asked for (`Explanation`: `lang`, `text`, `status`,
/// `reasons`, `observationEnds`, `whatNext`), plus `origin`: the origin city's side (`issuer`, `asOf`, and its own
/// explanation's fields).
///
/// The explanation is rendered from the recorded statuses at each request, so that every traveller reads it in
/// their own language; a policy conflict says the transfer is not done and names both colours.
struct TransferRecordAnswer: Encodable {
    let stored: StoredTransfer
    /// The home city's side, in words.
    let home: Explanation
    /// The origin city's side, in words.
    let origin: Explanation

    init(_ stored: StoredTransfer, configuration: GatewayConfiguration, language: ExplanationLanguage, now: Date) {
        self.stored = stored
        let homeCity = configuration.issuingCity(configuration.home)
        let originCity = configuration.issuingCity(stored.originIssuer)
        origin = Explanation(status: stored.originStatus, reasons: stored.originReasons,
                             observationEnds: stored.originObservationEnds, freshness: .live, asOf: stored.originAsOf,
                             issuer: originCity, language: language, now: now)
        let homeStatus = stored.homeStatus ?? .unknown
        if stored.outcome == HealthgateError.Code.policyConflict.rawValue {
            home = .transferConflict(home: homeCity, homeStatus: homeStatus, homeReasons: stored.homeReasons,
                                     homeObservationEnds: stored.homeObservationEnds, origin: originCity,
                                     originStatus: stored.originStatus, language: language, now: now)
        } else {
            home = Explanation(status: homeStatus, reasons: stored.homeReasons,
                               observationEnds: stored.homeObservationEnds, freshness: .live, asOf: stored.created,
                               issuer: homeCity, language: language, now: now)
        }
    }

    /// The home city's explanation with the origin's side beside its own fields.
    struct Told: Encodable {
        var home: Explanation
        var origin: Origin

        func encode(to encoder: any Encoder) throws {
            try home.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(origin, forKey: .origin)
        }

        enum Key: String, CodingKey { case origin }
    }

    /// The origin city's side: which city, when it vouched, and its explanation's fields.
    struct Origin: Encodable {
        var issuer: RegionCode
        var asOf: String
        var explanation: Explanation

        func encode(to encoder: any Encoder) throws {
            try explanation.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(issuer, forKey: .issuer)
            try container.encode(asOf, forKey: .asOf)
        }

        enum Key: String, CodingKey { case issuer, asOf }
    }

    enum Key: String, CodingKey { case createdAt, explanation, outcome, requestId }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(ChinaTime.formatISO(stored.created, withMilliseconds: true), forKey: .createdAt)
        try container.encode(stored.outcome, forKey: .outcome)
        try container.encode(stored.requestID.uuidString.lowercased(), forKey: .requestId)
        let origin = Origin(issuer: stored.originIssuer,
                            asOf: ChinaTime.formatISO(stored.originAsOf, withMilliseconds: true), explanation: origin)
        try container.encode(Told(home: home, origin: origin), forKey: .explanation)
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
