import HealthgateConfig
import HealthgateModel
import Hummingbird
import NIOCore
import Synchronization

/// Reads every request's whole body before the routes do, within `listen.bodyTimeoutMs`: a body that does not arrive
/// in time is 408 `request-timeout` and its connection is closed after the answer (a client sending a byte a second
/// holds nothing for long). It reads at most one byte past `listen.bodyLimitBytes` (nothing when `Content-Length` is
/// already past it), so the routes still answer 413 `payload-too-large` themselves. Runs inside
/// `AuditMiddleware` and `ProblemMiddleware`, so the answer is audited and rendered as problem+json.
///
/// The clock runs on the connection's event loop (`ConnectionCloseHandler`), not in a task: reading the body costs no
/// task switch, so a busy cooperative pool delays no request.
public struct BodyDeadline: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let configuration: ConfigStore

    public init(configuration: ConfigStore) { self.configuration = configuration }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        let listen = configuration.current.listen
        if let length = request.headers[.contentLength].flatMap(Int.init), length > listen.bodyLimitBytes {
            return try await next(request, context)
        }
        // The timer itself is the connection's (`ConnectionCloseHandler`, on the event loop, armed only when a body is
        // not whole after a read); here its expiry becomes a 408.
        let started = ContinuousClock.now
        var collected = ByteBuffer()
        do {
            for try await var chunk in request.body {
                collected.writeBuffer(&chunk)
                if collected.readableBytes > listen.bodyLimitBytes { break }
            }
        } catch {
            guard error is BodyTimeoutExpired || ContinuousClock.now - started >= listen.bodyTimeout - .milliseconds(100) else {
                throw HealthgateError.badRequest("the request body could not be read")
            }
            throw HealthgateError(.requestTimeout,
                                  "the request body did not arrive within \(listen.bodyTimeout.wholeMilliseconds) ms")
        }
        var request = request
        request.body = RequestBody(buffer: collected)
        return try await next(request, context)
    }
}


extension Duration {
    /// Whole milliseconds, for messages.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
