import Crypto
import Foundation
import HealthgateModel

/// Shanghai Suishenma (随申码, region 310000), as shanghai.md describes it: signed QR tokens checked locally against the
/// JWK set in a `ShanghaiKeyStore`, a JSON envelope with real HTTP statuses, numeric statuses and epoch milliseconds.
public struct ShanghaiAdapter: CityAdapter {
    /// The clock skew allowed past a token's `exp`.
    public static let expirySkew: TimeInterval = 60

    public let region = RegionCode.shanghai
    public let cityName = "shanghai"
    /// The signing keys tokens are checked against; shared with whoever refreshes them.
    public let keys: ShanghaiKeyStore

    /// An adapter checking tokens against `keys`.
    public init(keys: ShanghaiKeyStore) {
        self.keys = keys
    }

    // MARK: Recognition

    /// Recognises `SSM1.<claims>.<signature>`: malformed shape → `code-malformed`; unknown `kid`, a signature that
    /// does not verify, or an `iat` outside the key's `nbf`/`exp` → `code-forged`; past `exp` + 60 s → `code-expired`.
    /// Meeting an unknown `kid` marks the key store for a refresh.
    public func recognise(_ qr: String, now: Date) throws(HealthgateError) -> RecognisedCode? {
        guard let token = try ShanghaiToken(parsing: qr) else { return nil }
        guard let key = keys.key(id: token.keyID, now: now) else {
            throw HealthgateError(.codeForged, "the Suishenma token names a signing key this gateway does not know")
        }
        guard key.verifies(signature: token.signature, over: token.signedBytes) else {
            throw HealthgateError(.codeForged, "the Suishenma token's signature does not verify")
        }
        guard key.mayHaveSigned(issuedAt: token.issuedAt) else {
            throw HealthgateError(.codeForged, "the Suishenma token was issued outside its signing key's validity")
        }
        guard now <= token.expires.addingTimeInterval(Self.expirySkew) else {
            throw HealthgateError(.codeExpired, "the Suishenma token expired at \(ChinaTime.formatISO(token.expires))")
        }
        return RecognisedCode(issuer: region, content: qr, holderKey: token.sid, issuedAt: token.issuedAt,
                              validUntil: token.expires, signedStatus: token.status, keyID: token.keyID)
    }

    /// The holder's `sid`: the gateway checked Shanghai's signature over it, and Shanghai's status query is per `sid`,
    /// so an answer holds for every genuine token of that holder (each token's own expiry is checked at recognition).
    public func cacheKey(for code: RecognisedCode) -> String { code.holderKey }

    /// `false`: the status query carries no scene.
    public var decidesPerScene: Bool { false }

    /// The token's own signed status when Shanghai cannot be reached (`signatureOnlyResult`).
    public func offlineResult(for code: RecognisedCode, pseudonyms: PseudonymKey,
                              allowDegradedAdmit: Bool) -> VerificationResult? {
        Self.signatureOnlyResult(for: code, pseudonyms: pseudonyms, allowDegradedAdmit: allowDegradedAdmit)
    }

    /// A `signature-only` result from a recognised Suishenma code, for when Shanghai cannot be reached: the token's own
    /// `st` as of its `iat`, no reasons beyond `Reason.absent(for:)`, admitting only when the deployment allows degraded
    /// admission. `nil` for a code that is not a recognised Suishenma token.
    public static func signatureOnlyResult(for code: RecognisedCode, pseudonyms: PseudonymKey,
                                           allowDegradedAdmit: Bool = false) -> VerificationResult? {
        guard code.issuer == .shanghai, let status = code.signedStatus, let issuedAt = code.issuedAt else { return nil }
        let result = VerificationResult(
            issuer: .shanghai, holder: pseudonyms.pseudonym(issuer: .shanghai, holderRef: code.holderKey),
            status: status, reasons: Reason.absent(for: status), statusSince: nil, observationEnds: nil,
            maskedName: nil, asOf: issuedAt, freshness: .signatureOnly)
        return result.with(freshness: .signatureOnly, allowDegradedAdmit: allowDegradedAdmit)
    }

    // MARK: Identity, vocabulary

    /// Lower-case hex SHA-256 of the UTF-8 of `<ID number, upper case>|<sid>`, as Suishenma's `idDigest`.
    public func idDigest(of id: ResidentID, code: RecognisedCode, holderRef: String) -> String {
        Self.idDigest(idNumber: id.value, sid: holderRef)
    }

    /// The `idDigest` computation itself.
    static func idDigest(idNumber: String, sid: String) -> String {
        let digest = SHA256.hash(data: Array((idNumber.uppercased() + "|" + sid).utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Canonical reasons as Suishenma codes, fallbacks (`SH-OBSERVATION`) marked lossy.
    public func translate(_ reasons: [Reason]) -> [TranslatedReason] {
        ReasonTable.translate(reasons, to: .shanghai)
    }

    /// A result in Suishenma's own vocabulary: numeric `healthStatus`, `reasonCodes`, `statusTime` and
    /// `observeEndTime` in Unix milliseconds (null when absent), `maskedName` when known.
    public func render(_ result: VerificationResult) -> LocalRendering {
        var fields: [String: LocalRendering.Value] = [
            "healthStatus": .int(ShanghaiStatusCode.number(result.status)),
            "reasonCodes": .strings(Self.reasonCodes(translate(result.reasons))),
            "observeEndTime": result.observationEnds.map { .int(Int(ShanghaiStatusCode.observeEndTime($0))) } ?? .null,
            "statusTime": result.statusSince.map { .int(Int(ShanghaiStatusCode.milliseconds($0))) } ?? .null,
        ]
        if let name = result.maskedName { fields["maskedName"] = .string(name) }
        return LocalRendering(region: region, fields: fields)
    }

    /// The distinct native codes of translated reasons, in order; reasons with no Suishenma word are left out.
    static func reasonCodes(_ translated: [TranslatedReason]) -> [String] {
        var seen = Set<String>()
        return translated.compactMap(\.native).filter { seen.insert($0).inserted }
    }

    /// Suishenma expects an empty 204 for a notification it may stop retrying.
    public var notificationAcknowledgement: NativeResponse {
        NativeResponse(status: 204, headers: [], body: [])
    }

    /// The headers every Suishenma call carries.
    static func headers(caller: RegionCode, requestID: UUID) -> [HTTPField] {
        [
            HTTPField("X-SSM-Caller", caller.rawValue),
            HTTPField("X-SSM-Request-Id", requestID.uuidString.lowercased()),
            HTTPField("Accept", "application/json"),
        ]
    }
}
