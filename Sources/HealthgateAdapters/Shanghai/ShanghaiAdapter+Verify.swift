import Foundation
import HealthgateModel

extension ShanghaiAdapter {
    /// `GET /sssm/v1/holders/{sid}/status`, with `?purpose=transfer` for a transfer (which makes Suishenma add
    /// `idDigest`).
    public func verifyRequest(for code: RecognisedCode, purpose: VerificationPurpose, caller: RegionCode,
                              requestID: UUID, now: Date) -> NativeRequest {
        var path = "/sssm/v1/holders/\(code.holderKey)/status"
        if purpose == .transfer { path += "?purpose=transfer" }
        return NativeRequest(method: "GET", path: path, headers: Self.headers(caller: caller, requestID: requestID))
    }

    /// Reads a status answer: 200 with the envelope's `data` becomes a `live` result; the error rows of shanghai.md
    /// become typed errors (see `ShanghaiErrorTable`); anything unreadable is `issuer-error`. Only the fields the model
    /// uses are read; the rest never leave the parser.
    public func parseVerifyResponse(_ response: NativeResponse, for code: RecognisedCode, receivedAt: Date,
                                    pseudonyms: PseudonymKey) throws(HealthgateError) -> NativeVerification {
        guard response.status == 200 else {
            throw ShanghaiErrorTable.error(for: response, what: "status", holderEndpoint: true)
        }
        let data = try ShanghaiEnvelope<StatusData>.payload(of: response, what: "status")
        guard data.sid == code.holderKey else {
            throw .issuerError("Suishenma's status answer is about another holder")
        }
        guard let status = ShanghaiStatusCode.status(data.healthStatus) else {
            throw .issuerError("Suishenma's healthStatus \(data.healthStatus) is not 0, 1, 2 or 9")
        }
        var statusSince: Date?
        if let ms = data.statusTime {
            guard let date = ShanghaiStatusCode.date(milliseconds: ms) else {
                throw .issuerError("Suishenma's statusTime is not a plausible Unix millisecond time")
            }
            statusSince = date
        }
        var observationEnds: LocalDate?
        if let ms = data.observeEndTime {
            guard let date = ShanghaiStatusCode.date(milliseconds: ms) else {
                throw .issuerError("Suishenma's observeEndTime is not a plausible Unix millisecond time")
            }
            observationEnds = LocalDate(containing: date)
        }
        let codes = data.reasonCodes ?? []
        guard codes.count <= 32, codes.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) else {
            throw .issuerError("Suishenma's reasonCodes are not a short list of codes")
        }
        if let digest = data.idDigest, !Self.isLowerHexSHA256(digest) {
            throw .issuerError("Suishenma's idDigest is not a lower-case hex SHA-256")
        }
        let result = VerificationResult(
            issuer: region, holder: pseudonyms.pseudonym(issuer: region, holderRef: data.sid), status: status,
            reasons: ReasonTable.reasons(fromNative: codes, in: .shanghai, status: status),
            statusSince: statusSince, observationEnds: observationEnds,
            maskedName: data.maskedName.flatMap { $0.isEmpty || $0.count > 32 ? nil : $0 },
            asOf: receivedAt, freshness: .live)
        return NativeVerification(result: result, holderRef: data.sid, idDigest: data.idDigest)
    }

    static func isLowerHexSHA256(_ text: String) -> Bool {
        HexText.isHex(text, count: 64, lowerOnly: true)
    }

    // MARK: Signing keys

    /// `GET /sssm/v1/keys`: the current JWK set.
    public func keysRequest(caller: RegionCode, requestID: UUID) -> NativeRequest {
        NativeRequest(method: "GET", path: "/sssm/v1/keys", headers: Self.headers(caller: caller, requestID: requestID))
    }

    /// Reads the keys answer (a bare JWK set, not enveloped) into a key set; errors as for every Suishenma endpoint.
    public func parseKeysResponse(_ response: NativeResponse) throws(HealthgateError) -> ShanghaiKeySet {
        guard response.status == 200 else {
            throw ShanghaiErrorTable.error(for: response, what: "keys", holderEndpoint: false)
        }
        guard BoundedJSON.isJSONContentType(response.header("Content-Type")) else {
            throw .issuerError("Suishenma answered the keys with a non-JSON content type")
        }
        return try ShanghaiKeySet(jwks: response.body)
    }

    /// The fields of a status answer's `data` the gateway uses; `Decodable` ignores every other one.
    struct StatusData: Decodable {
        var sid: String
        var healthStatus: Int
        var statusTime: Int64?
        var maskedName: String?
        var reasonCodes: [String]?
        var observeEndTime: Int64?
        var idDigest: String?
    }
}
