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
        let timer = BodyTimer(timeout: listen.bodyTimeout)
        context.channel.pipeline.fireUserInboundEventTriggered(timer)
        var collected = ByteBuffer()
        do {
            for try await var chunk in request.body {
                collected.writeBuffer(&chunk)
                if collected.readableBytes > listen.bodyLimitBytes { break }
            }
        } catch {
            guard timer.expired else { throw HealthgateError.badRequest("the request body could not be read") }
            throw HealthgateError(.requestTimeout,
                                  "the request body did not arrive within \(listen.bodyTimeout.wholeMilliseconds) ms")
        }
        var request = request
        request.body = RequestBody(buffer: collected)
        return try await next(request, context)
    }
}

/// A request's body deadline, sent down the connection's pipeline to `ConnectionCloseHandler`, which fails the body
/// with `BodyTimer.Expired` and marks the connection to close when the body's end has not come by then.
final class BodyTimer: Sendable {
    /// The error the body fails with.
    struct Expired: Error {}

    let timeout: Duration
    private let state = Atomic(false)

    init(timeout: Duration) { self.timeout = timeout }

    /// Whether the body's time ran out.
    var expired: Bool { state.load(ordering: .acquiring) }

    func expire() { state.store(true, ordering: .releasing) }
}

extension Duration {
    /// Whole milliseconds, for messages.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
