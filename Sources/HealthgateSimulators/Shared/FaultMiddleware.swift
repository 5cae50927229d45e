import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Applies a simulator's fault switch to the city's own endpoints (never to `/_admin`).
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let faults: FaultSwitch
    /// The city's own busy answer.
    let busy: @Sendable () -> Response
    /// The city's rate-limit answer; `nil` when the city has none (then `busy` is used).
    let rateLimited: (@Sendable (Int) -> Response)?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path.hasPrefix("/_admin") { return try await next(request, context) }
        guard let fault = faults.take() else { return try await next(request, context) }
        switch fault {
        case .busy:
            return busy()
        case .rateLimited(let seconds):
            return rateLimited?(seconds) ?? busy()
        case .slow(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
            return try await next(request, context)
        case .hang:
            while faults.isSet(.hang) {
                try await Task.sleep(for: .milliseconds(50))
            }
            return try await next(request, context)
        case .reset:
            let channel = context.channel
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.contentLength] = "4096"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{\"result_code\":\"SUCC"))
                    try? await Task.sleep(for: .milliseconds(20))
                    try? await channel.close(mode: .all)
                    throw CancellationError()
                })
        case .proxyError(let status):
            return ProxyErrorPage.response(status: status)
        case .garbage:
            var random = SeededRandom(seed: "garbage")
            let bytes = (0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .oversized(let size):
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(contentLength: size) { writer in
                    var left = size
                    while left > 0 {
                        let count = min(left, chunk.readableBytes)
                        try await writer.write(chunk.getSlice(at: 0, length: count)!)
                        left -= count
                    }
                    try await writer.finish(nil)
                })
        }
    }
}

/// The old front proxy's HTML error pages (a transport failure, never the city's answer).
enum ProxyErrorPage {
    /// The page for 502 or 503 (any other status is served as 502).
    static func response(status: Int) -> Response {
        let code = status == 503 ? 503 : 502
        let title = code == 503 ? "503 Service Temporarily Unavailable" : "502 Bad Gateway"
        let html = "<html><head><title>\(title)</title></head><body><center><h1>\(title)</h1></center></body></html>\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/html"
        return Response(
            status: HTTPResponse.Status(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
