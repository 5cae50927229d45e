import Foundation
import HealthgateModel

/// What the issuer said, translated: the canonical result plus what the gateway needs and never shows (the native
/// holder reference for invalidation, the ID digest for a transfer's identity check).
public struct NativeVerification: Sendable {
    /// The canonical result, `freshness: live`, `asOf` = when the answer was received.
    public var result: VerificationResult
    /// The issuer's holder reference (Hangzhou `holder_ref`, Shanghai `sid`, Beijing card id): the key of "holder changed" events.
    public var holderRef: String
    /// The issuer's digest of the holder's ID number, present only for purpose `transfer`.
    public var idDigest: String?
    /// The last instant the code itself is valid, when the answer says it (Hangzhou: `refresh_time` + 300 s) and it
    /// cannot be told from the code alone.
    public var codeValidUntil: Date?

    public init(result: VerificationResult, holderRef: String, idDigest: String?, codeValidUntil: Date? = nil) {
        self.result = result
        self.holderRef = holderRef
        self.idDigest = idDigest
        self.codeValidUntil = codeValidUntil
    }
}

/// A traveller arriving in the adapter's city, to be registered with its native API; the only place an ID number and a
/// full name travel, and only to the destination city.
public struct ArrivalRegistration: Sendable {
    /// Idempotency key: the same id registers once.
    public var requestID: UUID
    public var idNumber: ResidentID
    public var name: String
    public var fromRegion: RegionCode
    public var fromStatus: HealthStatus
    public var fromReasons: [Reason]
    public var fromObservationEnds: LocalDate?
    public var arrivalTime: Date

    public init(requestID: UUID, idNumber: ResidentID, name: String, fromRegion: RegionCode, fromStatus: HealthStatus,
                fromReasons: [Reason], fromObservationEnds: LocalDate?, arrivalTime: Date) {
        self.requestID = requestID
        self.idNumber = idNumber
        self.name = name
        self.fromRegion = fromRegion
        self.fromStatus = fromStatus
        self.fromReasons = fromReasons
        self.fromObservationEnds = fromObservationEnds
        self.arrivalTime = arrivalTime
    }
}

/// What the destination city decided for an arriving traveller.
public struct ArrivalOutcome: Hashable, Sendable {
    /// The destination's holder reference for the traveller.
    public var holderRef: String
    public var status: HealthStatus
    public var observationEnds: LocalDate?

    public init(holderRef: String, status: HealthStatus, observationEnds: LocalDate?) {
        self.holderRef = holderRef
        self.status = status
        self.observationEnds = observationEnds
    }
}

/// A canonical result in one city's own vocabulary, for that city's checkpoints (Suishenma's numeric `healthStatus`,
/// Beijing's 居家观察).
public struct LocalRendering: Hashable, Sendable, Encodable {
    /// One value of a rendering.
    public enum Value: Hashable, Sendable, Encodable {
        case string(String)
        case int(Int)
        case strings([String])
        case null

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let s): try container.encode(s)
            case .int(let i): try container.encode(i)
            case .strings(let list): try container.encode(list)
            case .null: try container.encodeNil()
            }
        }
    }

    /// The region whose vocabulary this is.
    public var region: RegionCode
    /// Field name (in that city's own spelling) to value.
    public var fields: [String: Value]

    public init(region: RegionCode, fields: [String: Value]) {
        self.region = region
        self.fields = fields
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(region, forKey: DynamicKey("region"))
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: DynamicKey(name))
        }
    }

    private struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// One city's native interface (hangzhou.md, shanghai.md, beijing.md, or a peer gateway): recognise its codes, build
/// its requests, read its answers into the canonical model. Adapters do no I/O; the gateway core sends what they build.
public protocol CityAdapter: Sendable {
    /// The region this adapter speaks for.
    var region: RegionCode { get }
    /// A lower-case name for logs and metrics labels (`hangzhou`).
    var cityName: String { get }

    /// What an answer of this city may be reused for from the cache: the exact code the issuer accepted (the default),
    /// or, where the gateway itself checked the issuer's signature over the holder's id, that id.
    ///
    /// Never return a part of the code the gateway cannot check: a Beijing card number is printed in every code, and
    /// only Beijing can check the rest.
    func cacheKey(for code: RecognisedCode) -> String

    /// Whether the issuer's answer may differ by the checkpoint's scene (Hangzhou's `industry_type`): then a cached
    /// answer is reused only for the same scene. Defaults to `true`.
    var decidesPerScene: Bool { get }

    /// What the code itself says when the issuer cannot be reached (Shanghai's signed status: `signature-only`), or
    /// `nil` (the default) when the code says nothing the gateway could check.
    func offlineResult(for code: RecognisedCode, pseudonyms: PseudonymKey, allowDegradedAdmit: Bool) -> VerificationResult?

    /// The key set this city's codes are checked against, when the gateway keeps it fresh from the city itself
    /// (Shanghai's JWK set); `nil` (the default) for a city without one.
    var keySetRefresh: (any KeySetRefreshing)? { get }

    /// Whether the city sends its native colour-change notifications to `POST /notifications/<city>` (read by
    /// `parseNotification`); `false` by default.
    var sendsNotifications: Bool { get }

    /// Recognises this city's code and runs every local check (format, signature, expiry).
    /// Returns `nil` when the content is not of this city's shape at all; throws `code-malformed`, `code-forged` or
    /// `code-expired` when it is this city's but fails a check.
    func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode?

    /// The native verify/status request for a recognised code.
    func verifyRequest(for code: RecognisedCode, purpose: VerificationPurpose, caller: RegionCode, requestID: UUID,
                       now: Date) -> NativeRequest

    /// Reads the native answer into the canonical result (freshness `live`, `asOf` = `receivedAt`) or a typed error,
    /// deciding transient vs permanent as the city's document says. Drops location and unknown fields.
    func parseVerifyResponse(_ response: NativeResponse, for code: RecognisedCode, receivedAt: Date,
                             pseudonyms: PseudonymKey) throws(HealthgateError) -> NativeVerification

    /// The digest this city computes of a holder's ID number for a transfer's identity check.
    func idDigest(of id: ResidentID, code: RecognisedCode, holderRef: String) -> String

    /// Canonical reasons in this city's vocabulary, with each fallback marked lossy (`federation.md`).
    func translate(_ reasons: [Reason]) -> [TranslatedReason]

    /// A canonical result in this city's own vocabulary, for this city's checkpoints.
    func render(_ result: VerificationResult) -> LocalRendering

    /// The native arrival registration.
    func arrivalRequest(_ arrival: ArrivalRegistration, caller: RegionCode) -> NativeRequest

    /// Reads the native arrival answer.
    func parseArrivalResponse(_ response: NativeResponse) throws(HealthgateError) -> ArrivalOutcome

    /// Reads the city's native colour-change notification into a canonical event (Hangzhou, Shanghai); cities that send
    /// none throw `bad-request`.
    func parseNotification(_ body: [UInt8]) throws(HealthgateError) -> HolderChangedEvent

    /// The body the city expects back when a notification was accepted (Hangzhou: `{"result_code":"SUCCESS"}` with 200;
    /// Shanghai: empty with 204).
    var notificationAcknowledgement: NativeResponse { get }
}

extension CityAdapter {
    /// The exact code content: an answer is reused only for the very code the issuer judged.
    public func cacheKey(for code: RecognisedCode) -> String { code.content }

    /// `true`: unless an adapter says its city's request carries no scene, answers are cached per scene.
    public var decidesPerScene: Bool { true }

    /// `nil`: most codes carry nothing the gateway can check offline.
    public func offlineResult(for code: RecognisedCode, pseudonyms: PseudonymKey,
                              allowDegradedAdmit: Bool) -> VerificationResult? { nil }
}
