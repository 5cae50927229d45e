import Foundation
import HealthgateModel
import Hummingbird

/// The operations page on the operations port: `GET /` (HTML), `GET /ops.js` (its script) and `GET /status` (JSON).
/// Read-only and served from the binary; the port is bound to loopback by configuration.
public struct OpsPageRoutes: Sendable {
    let status: OpsStatusSource

    public init(status: OpsStatusSource) { self.status = status }

    /// The headers every answer carries: nothing from elsewhere, no framing, no caching.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-store",
    ]

    static func response(_ body: String, type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.response(OpsPage.html, type: "text/html; charset=utf-8") }
        router.get("/ops.js") { _, _ in Self.response(OpsPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/status") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(await status.status())) ?? Data("{}".utf8)
            return Self.response(String(decoding: data, as: UTF8.self), type: "application/json")
        }
    }
}
