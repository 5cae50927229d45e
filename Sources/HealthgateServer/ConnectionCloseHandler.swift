import NIOCore
import NIOHTTP1

/// Closes a connection once its answer is written when the client asked for it (HTTP/1.0 without keep-alive,
/// `Connection: close` in any spelling) or the gateway did (a body not whole within `listen.bodyTimeoutMs`), and says so in the answer's
/// `Connection: close`; runs each request's body timer on the event loop.
///
/// It sits between NIO's HTTP/1 codec, which still knows the request's version, and Hummingbird's conversion to
/// HTTP types, which does not. The closing itself is Hummingbird's: a `ChannelShouldQuiesceEvent` during a request
/// makes its connection state handler close the channel after the answer's last part.
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Whether the answer being written is the connection's last.
    private var closing = false
    /// Whether the current request's body has ended.
    private var bodyEnded = true
    /// The current request's body timer, while it runs.
    private var bodyTimer: Scheduled<Void>?
    /// When the current request's head arrived.
    private var headAt = NIODeadline.now()
    /// The body timeout in force (`listen.bodyTimeoutMs`), read when a body is not whole after a read.
    private let bodyTimeout: @Sendable () -> Duration

    init(bodyTimeout: @escaping @Sendable () -> Duration) {
        self.bodyTimeout = bodyTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            bodyEnded = false
            headAt = .now()
            context.fireChannelRead(data)
            if !head.isKeepAlive { quiesce(context) }
        case .body:
            context.fireChannelRead(data)
        case .end:
            bodyEnded = true
            bodyTimer?.cancel()
            bodyTimer = nil
            context.fireChannelRead(data)
        }
    }

    /// A request whose body is not whole by the end of this read gets a timer (most arrive whole in one read and never
    /// need one): past `bodyTimeout` after its head, the connection is quiesced and the body's reader fails.
    func channelReadComplete(context: ChannelHandlerContext) {
        if !bodyEnded, bodyTimer == nil {
            let timeout = TimeAmount.milliseconds(max(1, bodyTimeout().wholeMilliseconds))
            bodyTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: headAt + timeout) { [self] in
                bodyTimer = nil
                guard !bodyEnded else { return }
                quiesce(context)
                context.fireErrorCaught(BodyTimeoutExpired())
            }
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { closing = true }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closing, case .head(var head) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        bodyTimer = nil
    }

    /// Marks the answer being prepared as the connection's last.
    private func quiesce(_ context: ChannelHandlerContext) {
        closing = true
        context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}

@available(*, unavailable)
extension ConnectionCloseHandler: Sendable {}

/// The error a request body's reader fails with when the body did not arrive within `listen.bodyTimeoutMs`.
struct BodyTimeoutExpired: Error {}
