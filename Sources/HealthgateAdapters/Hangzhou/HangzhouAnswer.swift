import Foundation
import HealthgateModel

/// Reads Hangzhou's answer envelope (hangzhou.md, "Verify a code"): HTTP 5xx is a transport failure; otherwise
/// `result_code` decides, business errors arriving inside HTTP 200.
enum HangzhouAnswer {
    /// The `data` of a `SUCCESS` answer, or the typed error its `result_code` (or HTTP status, or shape) means.
    static func payload<Payload: Decodable>(_ response: NativeResponse, as _: Payload.Type) throws(HealthgateError) -> Payload {
        if (500...599).contains(response.status) {
            throw .unavailable("Hangzhou answered HTTP \(response.status)")
        }
        guard response.status == 200 else {
            throw .issuerError("Hangzhou answered HTTP \(response.status), not 200")
        }
        if let header = response.header("Content-Type") {
            guard let media = MediaType(header), media.isJSON || media.type == "text/plain" else {
                throw .issuerError("Hangzhou's answer is not JSON (Content-Type \(ErrorDetail.word(header)))")
            }
            if let charset = media.charset, charset != "utf-8", charset != "utf8" {
                throw .issuerError("Hangzhou's answer declares charset \(ErrorDetail.word(charset)), not UTF-8")
            }
        }
        let envelope = try decode(HangzhouWire.Envelope<Payload>.self, from: response.body, what: "answer")
        guard let resultCode = envelope.resultCode else {
            throw .issuerError("Hangzhou's answer has no result_code")
        }
        guard resultCode == "SUCCESS" else { throw error(forResultCode: resultCode) }
        guard let data = envelope.data else {
            throw .issuerError("Hangzhou answered SUCCESS without data")
        }
        return data
    }

    /// The typed error of a `result_code` other than `SUCCESS`, as hangzhou.md's table says.
    static func error(forResultCode resultCode: String) -> HealthgateError {
        switch resultCode {
        case "CODE_EXPIRED":
            HealthgateError(.codeExpired, "Hangzhou: the code is older than 300 s (CODE_EXPIRED)")
        case "CODE_NOT_FOUND":
            HealthgateError(.codeNotFound, "Hangzhou does not know this code (CODE_NOT_FOUND)")
        case "INVALID_PARAM":
            HealthgateError(.issuerRefused, "Hangzhou refused the request as malformed (INVALID_PARAM)")
        case "NO_PERMISSION":
            HealthgateError(.issuerRefused, "Hangzhou refused this gateway's certificate for the request (NO_PERMISSION)")
        case "SYSTEM_BUSY":
            .busy("Hangzhou is overloaded (SYSTEM_BUSY)", retryAfterMilliseconds: 200)
        default:
            .issuerError("Hangzhou answered result_code \(ErrorDetail.word(resultCode))")
        }
    }

    /// Decodes JSON after the size and nesting guard; any failure is `errorCode` (issuer-error for answers).
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], what: String,
                                     errorCode: HealthgateError.Code = .issuerError) throws(HealthgateError) -> T {
        try BodyGuard.checkJSON(body, code: errorCode)
        // JSONDecoder skips the fields it does not decode without validating them; the whole answer must be UTF-8.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw HealthgateError(errorCode, "Hangzhou's \(what) is not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw HealthgateError(errorCode, "Hangzhou's \(what) is not the JSON its document describes")
        }
    }

    /// A local time `yyyy-MM-dd HH:mm:ss`, absent when `nil` or empty; `issuer-error` when not a real time.
    static func time(_ text: String?, field: String) throws(HealthgateError) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = ChinaTime.parseDashed(text) else {
            throw .issuerError("Hangzhou's \(field) is not a yyyy-MM-dd HH:mm:ss time")
        }
        return date
    }

    /// A local date `yyyy-MM-dd`, absent when `nil` or empty; `issuer-error` when not a real date.
    static func date(_ text: String?, field: String) throws(HealthgateError) -> LocalDate? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count == 10, let date = LocalDate(text) else {
            throw .issuerError("Hangzhou's \(field) is not a yyyy-MM-dd date")
        }
        return date
    }

    /// A status word; `issuer-error` when missing or not in the document.
    static func status(_ word: String?) throws(HealthgateError) -> HealthStatus {
        guard let word, let status = HangzhouVocabulary.status(word) else {
            throw .issuerError("Hangzhou's code_color is missing or not a word its document has")
        }
        return status
    }

    /// A `holder_ref`; `issuer-error` when missing or not 32 hex digits.
    static func holderRef(_ text: String?) throws(HealthgateError) -> String {
        guard let text, HangzhouVocabulary.isHolderRef(text) else {
            throw .issuerError("Hangzhou's holder_ref is missing or not 32 hex digits")
        }
        return text
    }
}
