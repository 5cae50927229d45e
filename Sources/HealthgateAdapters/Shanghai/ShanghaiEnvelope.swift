import Foundation
import HealthgateModel

/// Suishenma's answer envelope `{"code": 0, "msg": "success", "data": {…}}`, and the error table of shanghai.md, which
/// uses real HTTP statuses with the same envelope.
struct ShanghaiEnvelope<Payload: Decodable>: Decodable {
    var code: Int
    var msg: String?
    var data: Payload?

    /// An envelope whose payload is not read (for error answers).
    struct Nothing: Decodable {}

    /// Reads a successful answer's payload: JSON content type, a bounded body, `code` 0 and a `data` object.
    static func payload(of response: NativeResponse, what: String) throws(HealthgateError) -> Payload {
        guard BoundedJSON.isJSONContentType(response.header("Content-Type")) else {
            throw .issuerError("Suishenma answered the \(what) with a non-JSON content type")
        }
        let envelope: ShanghaiEnvelope<Payload>
        do {
            envelope = try BoundedJSON.decode(ShanghaiEnvelope<Payload>.self, from: response.body)
        } catch {
            throw .issuerError("Suishenma's \(what) answer is \(error.word)")
        }
        guard envelope.code == 0 else {
            throw .issuerError("Suishenma answered the \(what) with HTTP \(response.status) but code \(envelope.code)")
        }
        guard let data = envelope.data else {
            throw .issuerError("Suishenma's \(what) answer has no data")
        }
        return data
    }

    /// The envelope `code` of an error answer, when the body is a readable envelope.
    static func nativeCode(of response: NativeResponse) -> Int? {
        guard BoundedJSON.isJSONContentType(response.header("Content-Type")) else { return nil }
        return try? BoundedJSON.decode(ShanghaiEnvelope<Nothing>.self, from: response.body).code
    }
}

/// The error rows of shanghai.md, shared by every Suishenma endpoint.
enum ShanghaiErrorTable {
    /// The error of a non-success answer, transient exactly where the document says so:
    /// 400/40001 and 403/40301 are the issuer refusing the gateway (permanent), 404/40401 is `code-not-found` (only for
    /// an endpoint about a holder, and only with Suishenma's own code: a bare 404 is a misrouted request), 429/42901 is
    /// transient after `Retry-After`, 503/50301 and every other 5xx (a front proxy's page included) are transient.
    static func error(for response: NativeResponse, what: String, holderEndpoint: Bool) -> HealthgateError {
        let native = ShanghaiEnvelope<ShanghaiEnvelope<Int>.Nothing>.nativeCode(of: response)
        let tag = native.map { "\(response.status)/\($0)" } ?? "HTTP \(response.status)"
        switch response.status {
        case 400:
            return HealthgateError(.issuerRefused, "Suishenma refused the \(what) request as malformed (\(tag))")
        case 403:
            return HealthgateError(.issuerRefused, "Suishenma does not allow this gateway to call it (\(tag))")
        case 404 where holderEndpoint && native == 40401:
            return HealthgateError(.codeNotFound, "Suishenma knows no such holder (\(tag))")
        case 429:
            return .unavailable("Suishenma is rate limiting this gateway (\(tag))",
                                retryAfterSeconds: retryAfter(response.header("Retry-After")))
        case 500...599:
            return .unavailable("Suishenma is unavailable (\(tag))",
                                retryAfterSeconds: retryAfter(response.header("Retry-After")))
        default:
            return .issuerError("Suishenma answered the \(what) with an unexpected \(tag)")
        }
    }

    /// `Retry-After` in seconds (the form shanghai.md uses); an HTTP date or garbage gives `nil`, a huge value is capped
    /// at a day so that arithmetic on it cannot overflow.
    static func retryAfter(_ value: String?) -> Int? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.utf8.count <= 10,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let seconds = Int(text)
        else { return nil }
        return min(seconds, 86400)
    }
}
