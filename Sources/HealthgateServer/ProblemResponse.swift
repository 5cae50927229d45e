import Foundation
import HealthgateModel
import Hummingbird

/// RFC 9457 problem details: `type` is the stable machine code, `title` its phrase, `status` the HTTP status, `detail`
/// what went wrong, free of personal data.
public struct Problem: Codable, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String

    public init(_ error: HealthgateError) {
        type = error.code.rawValue
        title = Self.title(of: error.code)
        status = error.code.httpStatus
        detail = error.detail
    }

    static func title(of code: HealthgateError.Code) -> String {
        code.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// The HTTP answer.
    public var response: Response {
        let body = (try? JSONEncoder.sorted.encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers[.cacheControl] = "no-store"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: stable output.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
