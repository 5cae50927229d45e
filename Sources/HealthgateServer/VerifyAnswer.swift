import Foundation
import HealthgateAdapters
import HealthgateModel

/// A verification result with, beside its own fields, what the traveller is told (`explanation`, in the language
/// the caller accepts), the home city's rendering (`local`, for a checkpoint) or the issuer's digest of the
/// holder's ID number (`idDigest`, for a peer's transfer: an extension `FederationAdapter` reads, so that the
/// asking gateway can check the traveller's identity).
struct VerifyAnswer: Encodable, Sendable {
    var result: VerificationResult
    var explanation: Explanation
    var local: LocalRendering? = nil
    var idDigest: String? = nil
    /// For a peer: the last instant the code itself is valid, when only the issuer's answer told it (an extension
    /// `FederationAdapter` reads).
    var codeValidUntil: Date? = nil

    func encode(to encoder: any Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(explanation, forKey: .explanation)
        try container.encodeIfPresent(local, forKey: .local)
        try container.encodeIfPresent(idDigest, forKey: .idDigest)
        try container.encodeIfPresent(codeValidUntil.map { ChinaTime.formatISO($0, withMilliseconds: true) },
                                      forKey: .codeValidUntil)
    }

    enum Key: String, CodingKey { case explanation, local, idDigest, codeValidUntil }
}


extension VerifyAnswer {
    /// The answer's JSON: the same bytes as `JSONEncoder.sorted` gives, written directly (keys in sorted order).
    func jsonBytes() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("admits"); w.bool(result.admits)
        w.key("asOf"); w.string(ChinaTime.formatISO(result.asOf, withMilliseconds: true))
        if let codeValidUntil { w.key("codeValidUntil"); w.string(ChinaTime.formatISO(codeValidUntil, withMilliseconds: true)) }
        w.key("explanation"); Self.write(explanation, to: &w)
        w.key("freshness"); w.string(result.freshness.rawValue)
        w.key("holder"); w.string(result.holder.rawValue)
        if let idDigest { w.key("idDigest"); w.string(idDigest) }
        w.key("issuer"); w.string(result.issuer.rawValue)
        if let local { w.key("local"); Self.write(local, to: &w) }
        if let maskedName = result.maskedName { w.key("maskedName"); w.string(maskedName) }
        if let observationEnds = result.observationEnds { w.key("observationEnds"); w.string(observationEnds.description) }
        w.key("reasons")
        w.beginArray()
        for reason in result.reasons {
            w.element()
            w.beginObject()
            w.key("code"); w.string(reason.code.rawValue)
            w.key("native"); w.optional(reason.native)
            w.endObject()
        }
        w.endArray()
        w.key("status"); w.string(result.status.rawValue)
        if let statusSince = result.statusSince { w.key("statusSince"); w.string(ChinaTime.formatISO(statusSince)) }
        w.endObject()
        return w.bytes
    }

    static func write(_ explanation: Explanation, to w: inout JSONWriter) {
        w.beginObject()
        w.key("lang"); w.string(explanation.lang.rawValue)
        w.key("observationEnds"); w.optional(explanation.observationEnds)
        w.key("reasons")
        w.beginArray()
        for reason in explanation.reasons { w.element(); w.string(reason) }
        w.endArray()
        w.key("status"); w.string(explanation.status)
        w.key("text"); w.string(explanation.text)
        w.key("whatNext"); w.string(explanation.whatNext)
        w.endObject()
    }

    static func write(_ local: LocalRendering, to w: inout JSONWriter) {
        w.beginObject()
        var members = local.fields.map { ($0.key, $0.value) }
        members.append(("region", .string(local.region.rawValue)))
        for (name, value) in members.sorted(by: { $0.0 < $1.0 }) {
            w.key(name)
            switch value {
            case .string(let text): w.string(text)
            case .int(let number): w.int(number)
            case .strings(let list):
                w.beginArray()
                for text in list { w.element(); w.string(text) }
                w.endArray()
            case .null: w.null()
            }
        }
        w.endObject()
    }
}
