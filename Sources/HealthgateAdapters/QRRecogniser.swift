import Foundation
import HealthgateModel

/// The one entry point for QR content: which configured city issued it, after every check that needs no call, or
/// `unknown-issuer` / `code-malformed` / `code-forged` / `code-expired`.
public struct QRRecogniser: Sendable {
    /// No city's code is near this long (Shanghai's tokens are the longest, about 250 bytes).
    public static let maxContentBytes = 4096

    /// The configured adapters, asked in order.
    public let adapters: [any CityAdapter]

    /// A recogniser over `adapters`; each claims only its own city's shape, so the order does not change the answer.
    public init(adapters: [any CityAdapter]) {
        self.adapters = adapters
    }

    /// Recognises `qr` at `now`: empty, whitespace-only or longer than 4 KiB is `code-malformed`; the first adapter
    /// claiming the content decides (and may throw `code-malformed`, `code-forged`, `code-expired`); no claim is
    /// `unknown-issuer`.
    public func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode {
        guard qr.utf8.count <= Self.maxContentBytes else {
            throw .malformed("QR content is longer than \(Self.maxContentBytes) bytes")
        }
        guard qr.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .malformed("QR content is empty")
        }
        for adapter in adapters {
            if let code = try adapter.recognise(qr, now: now) { return code }
        }
        throw HealthgateError(.unknownIssuer, "no configured city issues codes of this shape")
    }

    /// The adapter serving `region`, if configured.
    public func adapter(for region: RegionCode) -> (any CityAdapter)? {
        adapters.first { $0.region == region }
    }

    /// What `healthgate inspect` prints for `qr`: on success the issuer and city and what the code itself says, on
    /// failure the machine code and detail. Nothing personal beyond the code's own holder key.
    public func inspect(_ qr: String, now: Date) -> Inspection {
        do {
            let code = try recognise(qr, now: now)
            var fields: [String: LocalRendering.Value] = [
                "issuer": .string(code.issuer.rawValue),
                "city": .string(adapter(for: code.issuer)?.cityName ?? code.issuer.rawValue),
                "holderKey": .string(code.holderKey),
            ]
            if let issuedAt = code.issuedAt { fields["issuedAt"] = .string(ChinaTime.formatISO(issuedAt)) }
            if let validUntil = code.validUntil { fields["validUntil"] = .string(ChinaTime.formatISO(validUntil)) }
            if let status = code.signedStatus {
                fields["signedStatus"] = .string(status.rawValue)
                if code.issuer == .shanghai { fields["signedStatusNative"] = .int(ShanghaiStatusCode.number(status)) }
            }
            if let keyID = code.keyID { fields["kid"] = .string(keyID) }
            return Inspection(fields: fields, error: nil)
        } catch {
            return Inspection(fields: ["error": .string(error.code.rawValue), "detail": .string(error.detail)],
                              error: error)
        }
    }

    /// The outcome of `inspect`: one flat JSON object, and the error when recognition failed.
    public struct Inspection: Sendable {
        /// The members of the JSON object.
        public var fields: [String: LocalRendering.Value]
        /// Why recognition failed, or `nil`.
        public var error: HealthgateError?
        /// Members whose values are already JSON (an explanation object), by name.
        public var encodedMembers: [String: String] = [:]

        /// An inspection of these members.
        public init(fields: [String: LocalRendering.Value], error: HealthgateError?) {
            self.fields = fields
            self.error = error
        }

        /// The object as one line of JSON with sorted keys (non-ASCII kept as is).
        public var json: String {
            let encoded = fields.mapValues(Self.json).merging(encodedMembers) { _, encoded in encoded }
            let members = encoded.sorted { $0.key < $1.key }.map { key, value in
                JSONObjectWriter.quoted(key) + ":" + value
            }
            return "{" + members.joined(separator: ",") + "}"
        }

        private static func json(_ value: LocalRendering.Value) -> String {
            switch value {
            case .string(let s): JSONObjectWriter.quoted(s)
            case .int(let i): String(i)
            case .strings(let list): "[" + list.map(JSONObjectWriter.quoted).joined(separator: ",") + "]"
            case .null: "null"
            }
        }
    }
}
