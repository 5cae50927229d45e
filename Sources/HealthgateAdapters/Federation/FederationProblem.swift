import Foundation
import HealthgateModel

/// A peer gateway's `application/problem+json` (RFC 9457) error, whose `type` is one of federation.md's machine codes,
/// and what it means for this gateway.
///
/// The verdicts about the code pass through unchanged (`code-malformed`, `code-forged`, `code-expired`,
/// `code-not-found`, `issuer-unavailable`, `issuer-error`); the peer refusing this gateway (`unauthenticated`,
/// `forbidden`, `bad-request`, `payload-too-large`, `not-found`) is `issuer-refused`, never passed on as if this
/// gateway's own caller were refused; a peer that cannot audit is transiently unavailable; everything else, and any
/// type this gateway does not know, is `issuer-error`. The peer's own `detail` text is not copied into the error.
enum FederationProblem {
    struct Body: Decodable {
        var type: String
    }

    /// The error of a non-200 answer from the peer serving `peer`.
    static func error(for response: NativeResponse, peer: RegionCode) -> HealthgateError {
        let retryAfter = ShanghaiErrorTable.retryAfter(response.header("Retry-After"))
        guard let code = machineCode(of: response) else {
            switch response.status {
            case 429, 500...599:
                return .unavailable("the peer gateway for \(peer) is unavailable (HTTP \(response.status))",
                                    retryAfterSeconds: retryAfter)
            default:
                return .issuerError("the peer gateway for \(peer) answered HTTP \(response.status) without a problem type")
            }
        }
        let said = "the peer gateway for \(peer) answered \(code.rawValue) (HTTP \(response.status))"
        switch code {
        case .codeMalformed, .codeForged, .codeExpired, .codeNotFound, .issuerError:
            return HealthgateError(code, said)
        case .issuerUnavailable, .auditUnavailable:
            return .unavailable(said, retryAfterSeconds: retryAfter)
        case .unauthenticated, .forbidden, .badRequest, .payloadTooLarge, .notFound:
            return HealthgateError(.issuerRefused, said)
        default:
            return .issuerError(said)
        }
    }

    /// The machine code in the problem's `type`: the bare word, or the last segment of a URI ending in one.
    static func machineCode(of response: NativeResponse) -> HealthgateError.Code? {
        guard let media = response.header("Content-Type").flatMap(MediaType.init), media.isJSON,
            let body = try? BoundedJSON.decode(Body.self, from: response.body, maxBytes: FederationAdapter.maxAnswerBytes)
        else { return nil }
        if let code = HealthgateError.Code(rawValue: body.type) { return code }
        guard let last = body.type.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last else { return nil }
        return HealthgateError.Code(rawValue: String(last))
    }
}
