import Foundation
import HealthgateModel

/// The Hangzhou Health Code adapter (hangzhou.md, region 330100), the "Hangzhou-style" platform: `HZHC2:` tokens,
/// snake_case JSON, business errors inside HTTP 200, colour-change notifications.
///
/// A copy of Hangzhou's platform (Wenzhou 330300 `WZHC2:`, Ningbo 330200 `NBHC2:`) differs only in its region, its QR
/// prefix and where it is reached: the same adapter serves it, built with that region and prefix.
public struct HangzhouAdapter: CityAdapter {
    public let region: RegionCode
    public let cityName: String
    /// The QR prefix this city's codes start with (`HZHC2:` for Hangzhou itself).
    public let qrPrefix: String

    /// The verify endpoint.
    public static let verifyPath = "/open/healthcode/v2/verify"
    /// The arrival registration endpoint.
    public static let arrivalPath = "/open/healthcode/v2/transfer_in"
    /// How long Hangzhou honours a token after its `refresh_time` (hangzhou.md): it answers `CODE_EXPIRED` after that.
    public static let tokenLifetime: TimeInterval = 300

    /// Hangzhou itself: region 330100, prefix `HZHC2:`.
    public init() {
        self.region = .hangzhou
        self.cityName = "hangzhou"
        self.qrPrefix = Self.defaultQRPrefix
    }

    /// A copy of Hangzhou's platform: its region, its QR prefix (check it with `isValidQRPrefix` first) and the name
    /// it is configured under.
    public init(region: RegionCode, qrPrefix: String, cityName: String) {
        self.region = region
        self.cityName = cityName
        self.qrPrefix = qrPrefix
    }

    /// Hangzhou's own QR prefix.
    public static let defaultQRPrefix = HangzhouCode.prefix

    /// Whether `prefix` is a Hangzhou-style QR prefix: four upper-case letters or digits, then `2:` (hangzhou.md).
    public static func isValidQRPrefix(_ prefix: String) -> Bool { HangzhouCode.isValidPrefix(prefix) }

    /// A code with this city's prefix: holder key = the 26-character token (it rotates every minute; `holder_ref` comes with the answer).
    /// Its validity cannot be told locally: the token is opaque.
    public func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode? {
        guard let token = try HangzhouCode.token(of: qr, prefix: qrPrefix) else { return nil }
        return RecognisedCode(issuer: region, content: qr, holderKey: token)
    }

    /// `POST /open/healthcode/v2/verify` with `X-HZ-Request-Id`, JSON body in the document's order; `industry_type` is
    /// the checkpoint's scene or `transfer`.
    public func verifyRequest(for code: RecognisedCode, purpose: VerificationPurpose, caller: RegionCode,
                              requestID: UUID, now: Date) -> NativeRequest {
        var body = HangzhouJSONWriter()
        body.add("city_code", caller.rawValue)
        body.add("code_content", code.content)
        body.add("industry_type", purpose.description)
        body.add("request_time", ChinaTime.formatDashed(now))
        return NativeRequest(method: "POST", path: Self.verifyPath, headers: headers(requestID), body: body.bytes)
    }

    /// Reads a verify answer: `data` into the canonical result (pseudonym of `holder_ref`), or the typed error of its
    /// `result_code` or HTTP status.
    public func parseVerifyResponse(_ response: NativeResponse, for code: RecognisedCode, receivedAt: Date,
                                    pseudonyms: PseudonymKey) throws(HealthgateError) -> NativeVerification {
        let data = try HangzhouAnswer.payload(response, as: HangzhouWire.VerifyData.self)
        let status = try HangzhouAnswer.status(data.codeColor)
        let holderRef = try HangzhouAnswer.holderRef(data.holderRef)
        let reasons: [Reason]
        if let native = data.colorReason, !native.isEmpty {
            reasons = [ReasonTable.reason(fromNative: native, in: .hangzhou)]
        } else {
            reasons = Reason.absent(for: status)
        }
        // The token's own validity ends `tokenLifetime` after its `refresh_time`: no cached answer may outlive it.
        let codeValidUntil = try HangzhouAnswer.time(data.refreshTime, field: "refresh_time")
            .map { $0.addingTimeInterval(Self.tokenLifetime) }
        var digest: String?
        if let sent = data.idNoSHA256 {
            guard HangzhouVocabulary.isDigest(sent) else {
                throw .issuerError("Hangzhou's id_no_sha256 is not 64 lower-case hex digits")
            }
            digest = sent
        }
        let result = VerificationResult(
            issuer: region,
            holder: pseudonyms.pseudonym(issuer: region, holderRef: holderRef),
            status: status,
            reasons: reasons,
            statusSince: try HangzhouAnswer.time(data.colorTime, field: "color_time"),
            observationEnds: try HangzhouAnswer.date(data.quarantineUntil, field: "quarantine_until"),
            maskedName: data.userName.flatMap { $0.isEmpty ? nil : $0 },
            asOf: receivedAt,
            freshness: .live)
        return NativeVerification(result: result, holderRef: holderRef, idDigest: digest, codeValidUntil: codeValidUntil)
    }

    /// Lower-case hex SHA-256 of the UTF-8 bytes of `<ID number, upper case>|<code_content>` (`id_no_sha256`).
    public func idDigest(of id: ResidentID, code: RecognisedCode, holderRef: String) -> String {
        TransferDigest.compute(id: id, holderPart: code.content)
    }

    /// Canonical reasons as `color_reason` codes (`R12`), fallbacks marked lossy.
    public func translate(_ reasons: [Reason]) -> [TranslatedReason] {
        ReasonTable.translate(reasons, to: .hangzhou)
    }

    /// `code_color` (`init` for pending, `null` for unknown), `color_reason` (one code) and `quarantine_until`.
    public func render(_ result: VerificationResult) -> LocalRendering {
        let reason = ReasonTable.primary(of: translate(result.reasons))?.native
        return LocalRendering(region: region, fields: [
            "code_color": HangzhouVocabulary.word(result.status).map(LocalRendering.Value.string) ?? .null,
            "color_reason": reason.map(LocalRendering.Value.string) ?? .null,
            "quarantine_until": result.observationEnds.map { .string($0.description) } ?? .null,
        ])
    }

    /// `POST /open/healthcode/v2/transfer_in`, idempotent on `request_id`; `origin_reason` is one Hangzhou code
    /// (`R00` for a green without reasons), `origin_color` `null` when the origin status is not a colour.
    public func arrivalRequest(_ arrival: ArrivalRegistration, caller: RegionCode) -> NativeRequest {
        let translated = translate(arrival.fromReasons)
        var reason = ReasonTable.primary(of: translated)?.native
        if reason == nil, arrival.fromStatus == .green { reason = "R00" }
        var body = HangzhouJSONWriter()
        body.add("request_id", arrival.requestID.uuidString.lowercased())
        body.add("id_no", arrival.idNumber.value)
        body.add("user_name", arrival.name)
        body.add("origin_city_code", arrival.fromRegion.rawValue)
        body.add("origin_color", arrival.fromStatus.isColour ? arrival.fromStatus.rawValue : nil)
        body.add("origin_reason", reason)
        body.add("origin_quarantine_until", arrival.fromObservationEnds?.description)
        body.add("arrival_time", ChinaTime.formatDashed(arrival.arrivalTime))
        return NativeRequest(method: "POST", path: Self.arrivalPath, headers: headers(arrival.requestID),
                             body: body.bytes)
    }

    /// Reads a `transfer_in` answer: Hangzhou's decision for the arriving traveller.
    public func parseArrivalResponse(_ response: NativeResponse) throws(HealthgateError) -> ArrivalOutcome {
        let data = try HangzhouAnswer.payload(response, as: HangzhouWire.ArrivalData.self)
        return ArrivalOutcome(
            holderRef: try HangzhouAnswer.holderRef(data.holderRef),
            status: try HangzhouAnswer.status(data.codeColor),
            observationEnds: try HangzhouAnswer.date(data.quarantineUntil, field: "quarantine_until"))
    }

    /// Reads a `COLOR_CHANGED` notification; anything else is `bad-request`.
    public func parseNotification(_ body: [UInt8]) throws(HealthgateError) -> HolderChangedEvent {
        let note = try HangzhouAnswer.decode(HangzhouWire.Notification.self, from: body, what: "notification",
                                             errorCode: .badRequest)
        guard note.notifyType == "COLOR_CHANGED" else {
            throw .badRequest("a Hangzhou notification has notify_type COLOR_CHANGED")
        }
        guard let holderRef = note.holderRef, HangzhouVocabulary.isHolderRef(holderRef) else {
            throw .badRequest("a Hangzhou notification carries a 32-hex-digit holder_ref")
        }
        var status: HealthStatus?
        if let word = note.codeColor {
            guard let known = HangzhouVocabulary.status(word) else {
                throw .badRequest("the notification's code_color is not a word Hangzhou's document has")
            }
            status = known
        }
        var at: Date?
        if let text = note.colorTime, !text.isEmpty {
            guard let time = ChinaTime.parseDashed(text) else {
                throw .badRequest("the notification's color_time is not a yyyy-MM-dd HH:mm:ss time")
            }
            at = time
        }
        return HolderChangedEvent(issuer: region, holderRef: holderRef, status: status, at: at)
    }

    /// HTTP 200 with `{"result_code":"SUCCESS"}`; anything else makes Hangzhou retry.
    public var notificationAcknowledgement: NativeResponse {
        NativeResponse(status: 200, headers: [HTTPField("Content-Type", "application/json; charset=utf-8")],
                       body: Array(#"{"result_code":"SUCCESS"}"#.utf8))
    }

    private func headers(_ requestID: UUID) -> [HTTPField] {
        [
            HTTPField("Content-Type", "application/json; charset=utf-8"),
            HTTPField("X-HZ-Request-Id", requestID.uuidString.lowercased()),
        ]
    }
}
