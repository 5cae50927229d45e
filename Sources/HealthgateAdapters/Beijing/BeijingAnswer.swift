import Foundation
import HealthgateModel

/// Reads Beijing's answers (beijing.md): HTTP 200 with a `ReturnCode` in every case, except the front proxy's HTML
/// 502/503 when a node is down, which is a transport failure.
enum BeijingAnswer {
    /// Which call an answer belongs to: `1004` (invalid ID number) only means something for an arrival.
    enum Call {
        case query, arrival

        var root: String {
            switch self {
            case .query: "HealthStatusQueryResponse"
            case .arrival: "ArrivalRegisterResponse"
            }
        }
    }

    /// The `Result` fields of a `ReturnCode` 0 answer, or the typed error of its HTTP status, shape or `ReturnCode`.
    static func result(_ response: NativeResponse, call: Call, wanted: Set<String>) throws(HealthgateError) -> [String: String] {
        if (500...599).contains(response.status) {
            // The front proxy's HTML page when a node is down: never parsed, never shown.
            throw .unavailable("Beijing's front proxy answered HTTP \(response.status)")
        }
        guard response.status == 200 else {
            throw .issuerError("Beijing answered HTTP \(response.status), not 200")
        }
        var charset: String?
        if let header = response.header("Content-Type") {
            guard let media = MediaType(header), media.isXML else {
                throw .issuerError("Beijing's answer is not XML (Content-Type \(ErrorDetail.word(header)))")
            }
            charset = media.charset
        }
        let document = try BeijingXMLReader.read(response.body, contentTypeCharset: charset, root: call.root,
                                                 wanted: wanted)
        guard let returnCode = document.returnCode else {
            throw .issuerError("Beijing's answer has no ReturnCode")
        }
        guard returnCode == "0" else { throw error(forReturnCode: returnCode, call: call) }
        guard document.hasResult else {
            throw .issuerError("Beijing answered ReturnCode 0 without a Result")
        }
        return document.result
    }

    /// The typed error of a `ReturnCode` other than 0, as beijing.md's table says.
    static func error(forReturnCode returnCode: String, call: Call) -> HealthgateError {
        switch returnCode {
        case "1001":
            HealthgateError(.codeNotFound, "Beijing has no such card (1001)")
        case "1002":
            HealthgateError(.codeExpired, "Beijing: the code expired (1002)")
        case "1003":
            HealthgateError(.issuerRefused, "Beijing did not authorise this gateway (1003)")
        case "1004" where call == .arrival:
            .badRequest("Beijing refused the traveller's ID number (1004)")
        case "2001":
            .busy("Beijing is busy (2001)", retryAfterMilliseconds: 200)
        default:
            .issuerError("Beijing answered ReturnCode \(ErrorDetail.word(returnCode))")
        }
    }

    /// A `Status` word; `issuer-error` when missing or not in the document.
    static func status(_ word: String?) throws(HealthgateError) -> HealthStatus {
        guard let word, let status = BeijingVocabulary.status(word) else {
            throw .issuerError("Beijing's Status is missing or not a word its document has")
        }
        return status
    }

    /// A local date `yyyyMMdd`, absent when missing or empty; `issuer-error` when not a real date.
    static func date(_ text: String?, field: String) throws(HealthgateError) -> LocalDate? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count == 8, let date = LocalDate(text) else {
            throw .issuerError("Beijing's \(field) is not a yyyyMMdd date")
        }
        return date
    }

    /// A local time `yyyyMMddHHmmss`, absent when missing or empty; `issuer-error` when not a real time.
    static func time(_ text: String?, field: String) throws(HealthgateError) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = ChinaTime.parseCompact(text) else {
            throw .issuerError("Beijing's \(field) is not a yyyyMMddHHmmss time")
        }
        return date
    }
}
