import Foundation
import HealthgateModel

/// The Beijing Jingxinxiangzhu adapter (beijing.md, region 110000): `BJJXXZ|` codes, XML in UTF-8 or GB18030, Chinese
/// status words, compact timestamps, an old front proxy, and no notifications.
public struct BeijingAdapter: CityAdapter {
    public let region: RegionCode = .beijing
    public let cityName = "beijing"

    /// The status query endpoint.
    public static let queryPath = "/jxxz/ws/HealthStatusQuery"
    /// The arrival registration endpoint.
    public static let arrivalPath = "/jxxz/ws/ArrivalRegister"
    /// How long a code is valid after it was drawn.
    public static let codeLifetime: TimeInterval = BeijingCode.lifetime

    /// The `Result` children a query answer is read for; everything else (`Explanation`, `District`, …) is skipped.
    static let queryFields: Set<String> = ["CardId", "Status", "HolderName", "StatusTime", "ObservationEnd", "Popup",
                                           "IdDigest"]
    /// The `Result` children an arrival answer is read for.
    static let arrivalFields: Set<String> = ["CardId", "Status", "ObservationEnd"]

    public init() {}

    /// `false`: the query carries a purpose (checkpoint or transfer), never a scene. The cache key stays the whole
    /// code: only Beijing can check its `check` part.
    public var decidesPerScene: Bool { false }

    /// A Beijing code: card id, calendar-valid time, check; expired when older than 600 s or more than 60 s ahead of
    /// `now`. Holder key = the card id; valid until `generated` + 600 s.
    public func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode? {
        guard let parts = try BeijingCode.parse(qr, now: now) else { return nil }
        return RecognisedCode(issuer: region, content: qr, holderKey: parts.cardID, issuedAt: parts.generated,
                              validUntil: parts.generated.addingTimeInterval(BeijingCode.lifetime))
    }

    /// `POST /jxxz/ws/HealthStatusQuery`, UTF-8 XML; `Purpose` is `checkpoint` or `transfer`.
    public func verifyRequest(for code: RecognisedCode, purpose: VerificationPurpose, caller: RegionCode,
                              requestID: UUID, now: Date) -> NativeRequest {
        var body = BeijingXMLWriter(root: "HealthStatusQueryRequest")
        body.add("RequestId", requestID.uuidString.lowercased())
        body.add("RequestTime", ChinaTime.formatCompact(now))
        body.add("CallerRegion", caller.rawValue)
        body.add("QrContent", code.content)
        body.add("Purpose", purpose.federationWord)
        return NativeRequest(method: "POST", path: Self.queryPath, headers: headers, body: body.bytes)
    }

    /// Reads a query answer into the canonical result (pseudonym of the card id), or the typed error of its HTTP status,
    /// shape or `ReturnCode`. A `CardId` other than the code's is refused.
    public func parseVerifyResponse(_ response: NativeResponse, for code: RecognisedCode, receivedAt: Date,
                                    pseudonyms: PseudonymKey) throws(HealthgateError) -> NativeVerification {
        let fields = try BeijingAnswer.result(response, call: .query, wanted: Self.queryFields)
        let status = try BeijingAnswer.status(fields["Status"])
        let cardID = fields["CardId"].flatMap { $0.isEmpty ? nil : $0 } ?? code.holderKey
        guard cardID == code.holderKey else {
            throw .issuerError("Beijing answered for a card other than the code's")
        }
        let reasons: [Reason]
        if let popup = fields["Popup"], !popup.isEmpty, popup != "0" {
            reasons = [ReasonTable.reason(fromNative: popup, in: .beijing)]
        } else {
            reasons = Reason.absent(for: status)
        }
        var digest: String?
        if let sent = fields["IdDigest"], !sent.isEmpty {
            guard HexText.isHex(sent, count: 64, lowerOnly: true) else {
                throw .issuerError("Beijing's IdDigest is not 64 lower-case hex digits")
            }
            digest = sent
        }
        let result = VerificationResult(
            issuer: region,
            holder: pseudonyms.pseudonym(issuer: region, holderRef: cardID),
            status: status,
            reasons: reasons,
            statusSince: try BeijingAnswer.time(fields["StatusTime"], field: "StatusTime"),
            observationEnds: try BeijingAnswer.date(fields["ObservationEnd"], field: "ObservationEnd"),
            maskedName: fields["HolderName"].flatMap { $0.isEmpty ? nil : $0 },
            asOf: receivedAt,
            freshness: .live)
        return NativeVerification(result: result, holderRef: cardID, idDigest: digest)
    }

    /// Lower-case hex SHA-256 of the UTF-8 bytes of `<ID number, upper case>|<CardId>` (`IdDigest`).
    public func idDigest(of id: ResidentID, code: RecognisedCode, holderRef: String) -> String {
        TransferDigest.compute(id: id, holderPart: holderRef.isEmpty ? code.holderKey : holderRef)
    }

    /// Canonical reasons as `Popup` categories (`"1"` … `"5"`; `none` is no popup), fallbacks marked lossy.
    public func translate(_ reasons: [Reason]) -> [TranslatedReason] {
        ReasonTable.translate(reasons, to: .beijing)
    }

    /// `Status` (居家观察 …), `Popup` (a category number, `null` for none) and `ObservationEnd` (`yyyyMMdd`).
    public func render(_ result: VerificationResult) -> LocalRendering {
        let popup = ReasonTable.primary(of: translate(result.reasons))?.native.flatMap { Int($0) }
        return LocalRendering(region: region, fields: [
            "Status": .string(BeijingVocabulary.word(result.status)),
            "Popup": popup.map(LocalRendering.Value.int) ?? .null,
            "ObservationEnd": result.observationEnds.map { .string($0.compact) } ?? .null,
        ])
    }

    /// `POST /jxxz/ws/ArrivalRegister`, idempotent on `RequestId`; `FromColor` `GREEN`/`YELLOW`/`RED` (empty when the
    /// origin status is not a colour), `FromPopup` one category or `0` for none, `FromObservationEnd` only when there is one.
    public func arrivalRequest(_ arrival: ArrivalRegistration, caller: RegionCode) -> NativeRequest {
        let popup = ReasonTable.primary(of: translate(arrival.fromReasons))?.native ?? "0"
        var body = BeijingXMLWriter(root: "ArrivalRegisterRequest")
        body.add("RequestId", arrival.requestID.uuidString.lowercased())
        body.add("IdNumber", arrival.idNumber.value)
        body.add("Name", arrival.name)
        body.add("FromRegion", arrival.fromRegion.rawValue)
        body.add("FromColor", BeijingVocabulary.arrivalColour(arrival.fromStatus) ?? "")
        body.add("FromPopup", popup)
        if let end = arrival.fromObservationEnds { body.add("FromObservationEnd", end.compact) }
        body.add("ArrivalTime", ChinaTime.formatCompact(arrival.arrivalTime))
        return NativeRequest(method: "POST", path: Self.arrivalPath, headers: headers, body: body.bytes)
    }

    /// Reads an arrival answer: Beijing's decision for the arriving traveller.
    public func parseArrivalResponse(_ response: NativeResponse) throws(HealthgateError) -> ArrivalOutcome {
        let fields = try BeijingAnswer.result(response, call: .arrival, wanted: Self.arrivalFields)
        guard let cardID = fields["CardId"], BeijingVocabulary.isCardID(cardID) else {
            throw .issuerError("Beijing's arrival answer has no 20-digit CardId")
        }
        return ArrivalOutcome(holderRef: cardID, status: try BeijingAnswer.status(fields["Status"]),
                              observationEnds: try BeijingAnswer.date(fields["ObservationEnd"], field: "ObservationEnd"))
    }

    /// Beijing sends no notifications (a gateway learns of a change only by asking again): always `bad-request`.
    public func parseNotification(_ body: [UInt8]) throws(HealthgateError) -> HolderChangedEvent {
        throw .badRequest("Beijing sends no colour-change notifications")
    }

    /// Never sent (Beijing has no notifications); an empty 204 for completeness.
    public var notificationAcknowledgement: NativeResponse {
        NativeResponse(status: 204, headers: [], body: [])
    }

    private var headers: [HTTPField] { [HTTPField("Content-Type", "application/xml; charset=UTF-8")] }
}
