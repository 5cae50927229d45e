import Foundation
import HealthgateModel

/// Reaches another city through that city's own gateway, with the gateway-to-gateway protocol of federation.md
/// (`POST /federation/v1/verify`, answers in the canonical model, errors as `application/problem+json`).
///
/// Codes are still recognised locally by the city's native adapter (format, signature, expiry need no call), and
/// results are rendered and reasons translated in that city's vocabulary by the same adapter; only the verify call goes
/// to the peer.
///
/// What is kept of the peer's answer, and why:
/// - `holder`: the peer's pseudonym, as it sent it. It is keyed with the peer's secret, so this gateway cannot derive
///   it, and re-keying it would need the native holder reference the protocol does not carry.
/// - `asOf` and `freshness`: the peer's. The peer, not this gateway, heard the issuer; a result the peer served from
///   its cache is not `live` here. An `asOf` later than the moment the answer arrived is brought back to that moment.
/// - `admits`: recomputed by this gateway's rule (only a `live` or `cached` green admits), never the peer's, whose
///   deployment may let `stale` or `signature-only` admit.
/// - `holderRef`: the answer's optional `holderRef` member when the peer sends one (an extension of the protocol),
///   else the code's own holder key (Shanghai `sid`, Beijing card id, Hangzhou token), which is what the peer's
///   `status-events` name for Shanghai and Beijing.
/// - `codeValidUntil`: the answer's optional `codeValidUntil` member (an extension), the last instant the code itself
///   is valid when only the issuer's answer tells it (Hangzhou's `refresh_time` + 300 s); without it such a code is
///   never cached here.
/// - `idDigest`: the answer's optional `idDigest` member (an extension; the canonical result has no digest), so a
///   transfer's identity check through a peer works only with peers that send it.
public struct FederationAdapter: CityAdapter {
    /// The adapter kind, for configuration and logs.
    public static let kind = "federation"
    /// Answers larger than this are refused unread; a canonical result is well under a kilobyte.
    static let maxAnswerBytes = 64 * 1024

    /// The city's native adapter, for recognition, vocabulary and the ID digest.
    public let native: any CityAdapter

    /// The region the peer gateway serves: its home city.
    public var region: RegionCode { native.region }
    /// The city's name (`hangzhou`), the same whichever way the city is reached.
    public var cityName: String { native.cityName }

    /// An adapter reaching `native`'s city through that city's gateway.
    public init(reaching native: any CityAdapter) {
        self.native = native
    }

    // MARK: Recognition and vocabulary: the city's own

    /// The native adapter's recognition: every local check runs here as well, before any call to the peer.
    public func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode? {
        try native.recognise(qr, now: now)
    }

    /// The native adapter's key: what the gateway checked locally is the same whichever way the city is reached.
    public func cacheKey(for code: RecognisedCode) -> String { native.cacheKey(for: code) }

    /// `false`: the peer protocol carries no scene.
    public var decidesPerScene: Bool { false }

    public func idDigest(of id: ResidentID, code: RecognisedCode, holderRef: String) -> String {
        native.idDigest(of: id, code: code, holderRef: holderRef)
    }

    public func translate(_ reasons: [Reason]) -> [TranslatedReason] {
        native.translate(reasons)
    }

    public func render(_ result: VerificationResult) -> LocalRendering {
        native.render(result)
    }

    // MARK: Verify through the peer

    /// `POST /federation/v1/verify` with `{"qr","purpose","callerRegion"}`. The checkpoint's scene does not travel:
    /// the protocol's purpose is only `checkpoint` or `transfer`.
    public func verifyRequest(for code: RecognisedCode, purpose: VerificationPurpose, caller: RegionCode,
                              requestID: UUID, now: Date) -> NativeRequest {
        var body = JSONObjectWriter()
        body.add("qr", code.content)
        body.add("purpose", purpose.federationWord)
        body.add("callerRegion", caller.rawValue)
        return NativeRequest(method: "POST", path: "/federation/v1/verify", headers: [
            HTTPField("Content-Type", "application/json"),
            HTTPField("Accept", "application/json, application/problem+json"),
            HTTPField("X-Request-Id", requestID.uuidString.lowercased()),
        ], body: body.bytes)
    }

    /// Reads the peer's answer: 200 with a canonical result for this region (see the type's notes on what is kept), or
    /// a problem whose `type` is a machine code (see `FederationProblem`); anything else is `issuer-error`, or
    /// `issuer-unavailable` (transient) for a 5xx or 429 without a readable problem.
    public func parseVerifyResponse(_ response: NativeResponse, for code: RecognisedCode, receivedAt: Date,
                                    pseudonyms: PseudonymKey) throws(HealthgateError) -> NativeVerification {
        guard response.status == 200 else {
            throw FederationProblem.error(for: response, peer: region)
        }
        guard let type = response.header("Content-Type").flatMap(MediaType.init), type.type == "application/json" else {
            throw .issuerError("the peer gateway for \(region) answered without application/json")
        }
        let answer: PeerAnswer
        do {
            answer = try BoundedJSON.decode(PeerAnswer.self, from: response.body, maxBytes: Self.maxAnswerBytes)
        } catch {
            throw .issuerError("the peer gateway for \(region) answered with a body that is \(error.word)")
        }
        guard answer.result.issuer == region else {
            throw .issuerError("the peer gateway for \(region) answered for issuer \(answer.result.issuer)")
        }
        var result = answer.result.with(freshness: answer.result.freshness)
        if result.asOf > receivedAt { result.asOf = receivedAt }
        var holderRef = code.holderKey
        if let ref = answer.holderRef {
            guard !ref.isEmpty, ref.utf8.count <= 128 else {
                throw .issuerError("the peer gateway for \(region) sent an unusable holderRef")
            }
            holderRef = ref
        }
        if let digest = answer.idDigest, !HexText.isHex(digest, count: 64, lowerOnly: false) {
            throw .issuerError("the peer gateway for \(region) sent an idDigest that is not a hex SHA-256")
        }
        var codeValidUntil: Date?
        if let text = answer.codeValidUntil {
            guard let date = ChinaTime.parseISO(text) else {
                throw .issuerError("the peer gateway for \(region) sent a codeValidUntil that is not ISO 8601")
            }
            codeValidUntil = date
        }
        return NativeVerification(result: result, holderRef: holderRef, idDigest: answer.idDigest?.lowercased(),
                                  codeValidUntil: codeValidUntil)
    }

    /// A canonical result, plus the two optional members a peer may add.
    struct PeerAnswer: Decodable {
        var result: VerificationResult
        var holderRef: String?
        var idDigest: String?
        var codeValidUntil: String?

        private enum Extension: String, CodingKey { case holderRef, idDigest, codeValidUntil }

        init(from decoder: any Decoder) throws {
            result = try VerificationResult(from: decoder)
            let container = try decoder.container(keyedBy: Extension.self)
            holderRef = try container.decodeIfPresent(String.self, forKey: .holderRef)
            idDigest = try container.decodeIfPresent(String.self, forKey: .idDigest)
            codeValidUntil = try container.decodeIfPresent(String.self, forKey: .codeValidUntil)
        }
    }

    // MARK: What the protocol does not carry

    /// The federation protocol has no arrival registration: a transfer registers with the destination's native API,
    /// which is always the home city of the gateway doing it. This request is a placeholder carrying no personal data
    /// (no path a peer serves, no body); `parseArrivalResponse` always fails.
    public func arrivalRequest(_ arrival: ArrivalRegistration, caller: RegionCode) -> NativeRequest {
        NativeRequest(method: "POST", path: "/federation/v1/arrivals-unsupported", headers: [])
    }

    /// Always `internal-error`: arrivals are never registered through a peer gateway.
    public func parseArrivalResponse(_ response: NativeResponse) throws(HealthgateError) -> ArrivalOutcome {
        throw HealthgateError(.internalError, "arrivals are registered with a city's native API, never through a peer gateway")
    }

    /// Always `bad-request`: peers announce changes with `POST /federation/v1/status-events`, not native notifications.
    public func parseNotification(_ body: [UInt8]) throws(HealthgateError) -> HolderChangedEvent {
        throw .badRequest("a peer gateway sends status-events, not native notifications")
    }

    /// What `status-events` answers: 204, empty.
    public var notificationAcknowledgement: NativeResponse {
        NativeResponse(status: 204, headers: [], body: [])
    }
}
