import Foundation
import Hummingbird
import NIOCore

/// Builders for the simulators' answers: bytes exactly as a city writes them.
enum SimulatorResponses {
    /// A JSON answer (`application/json; charset=utf-8`).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
    }

    /// An answer of raw bytes with the given content type.
    static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An admin error: `{"error": "<machine code>", "detail": "..."}` with a 4xx status.
    static func adminError(_ code: String, _ detail: String, status: HTTPResponse.Status = .badRequest) -> Response {
        json(.object([("error", .string(code)), ("detail", .string(detail))]), status: status)
    }

    /// The value of a request header (case-insensitive name), `nil` when absent.
    static func header(_ request: Request, _ name: String) -> String? {
        let lower = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lower }?.value
    }

    /// The request body, up to 1 MiB; `nil` when larger or unreadable.
    static func body(of request: Request) async -> [UInt8]? {
        guard let buffer = try? await request.body.collect(upTo: 1 << 20) else { return nil }
        return Array(buffer.readableBytesView)
    }
}

extension JSONDecoder {
    /// Decodes `type` from `bytes`, `nil` on any failure (not JSON, wrong shape).
    static func decodeIfPossible<T: Decodable>(_ type: T.Type, from bytes: [UInt8]?) -> T? {
        guard let bytes else { return nil }
        return try? JSONDecoder().decode(type, from: Data(bytes))
    }
}
