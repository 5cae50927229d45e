import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// Fixtures and helpers for the Hangzhou, Beijing and reason-table tests.
enum HangzhouBeijingSupport {
    /// The instant every vector of qr-cases.json is judged at: 2020-03-02T08:13:20+08:00.
    static let now = Date(timeIntervalSince1970: 1_583_108_000)
    /// When the answers in these tests "arrived".
    static let receivedAt = Date(timeIntervalSince1970: 1_583_108_100.412)
    static let pseudonyms = PseudonymKey(bytes: Array(repeating: UInt8(7), count: 32))!
    static let requestID = UUID(uuidString: "5B0E7F0C-0D43-4C0B-9D5E-7F1C2A3B4C5D")!

    static let hangzhouQR = "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F"
    static let beijingQR = "BJJXXZ|11010520200302000017|20200302081000|7c1e04ab"
    static let beijingCard = "11010520200302000017"

    struct MissingFixture: Error { var name: String }

    /// The bytes of `Fixtures/<name>`.
    static func fixture(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw MissingFixture(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    /// A recognised Hangzhou code for the vector token.
    static func hangzhouCode() throws -> RecognisedCode {
        try #require(try HangzhouAdapter().recognise(hangzhouQR, now: now))
    }

    /// A recognised Beijing code for the vector's valid code.
    static func beijingCode() throws -> RecognisedCode {
        try #require(try BeijingAdapter().recognise(beijingQR, now: now))
    }

    /// A Hangzhou answer: HTTP 200 JSON unless told otherwise.
    static func hangzhouResponse(_ body: [UInt8], status: Int = 200,
                                 contentType: String? = "application/json;charset=UTF-8") -> NativeResponse {
        NativeResponse(status: status, headers: contentType.map { [HTTPField("Content-Type", $0)] } ?? [], body: body)
    }

    /// A Beijing answer: HTTP 200 XML unless told otherwise.
    static func beijingResponse(_ body: [UInt8], status: Int = 200,
                                contentType: String? = "application/xml; charset=UTF-8") -> NativeResponse {
        NativeResponse(status: status, headers: contentType.map { [HTTPField("Content-Type", $0)] } ?? [], body: body)
    }

    /// The `HealthgateError` `body` throws, or `nil` (and a recorded issue) when it throws none or another error.
    static func error<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> HealthgateError? {
        do {
            _ = try body()
            Issue.record("expected a HealthgateError", sourceLocation: sourceLocation)
            return nil
        } catch let error as HealthgateError {
            return error
        } catch {
            Issue.record(error, "expected a HealthgateError", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A JSON body decoded to a dictionary, for checking requests.
    static func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// The vector's QR cases of one city.
    static func qrCases(_ city: String) throws -> [QRVector] {
        let all = try JSONSerialization.jsonObject(with: Data(try fixture("qr-cases.json"))) as? [String: Any]
        let list = all?[city] as? [[String: Any]] ?? []
        return list.map { QRVector(qr: $0["qr"] as? String ?? "", expect: $0["expect"] as? String ?? "",
                                   why: $0["why"] as? String) }
    }

    struct QRVector: Sendable, CustomTestStringConvertible {
        var qr: String
        var expect: String
        var why: String?
        var testDescription: String { "\(expect)\(why.map { " (\($0))" } ?? ""): \(qr)" }
    }

    /// A valid arrival: 刘明, ID 33010619900101123X, from Shanghai, yellow for key-area travel until 8 March.
    static func arrival(status: HealthStatus = .yellow, reasons: [Reason] = [Reason(code: .keyAreaTravel, native: "SH-KEYAREA-ARRIVAL")],
                        observationEnds: LocalDate? = LocalDate(year: 2020, month: 3, day: 8),
                        id: String = "33010619900101123X", name: String = "刘明") throws -> ArrivalRegistration {
        ArrivalRegistration(requestID: requestID, idNumber: try ResidentID(validating: id), name: name,
                            fromRegion: .shanghai, fromStatus: status, fromReasons: reasons,
                            fromObservationEnds: observationEnds,
                            arrivalTime: ChinaTime.date(year: 2020, month: 3, day: 2, hour: 9)!)
    }
}
