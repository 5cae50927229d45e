import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with `ConnectionCloseHandler` placed right after NIO's request decoder, so that
/// HTTP/1.0 and `Connection: close` are honoured and the gateway can close a connection after its answer.
struct ClosingHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    /// The body timeout in force (`listen.bodyTimeoutMs`).
    let bodyTimeout: @Sendable () -> Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(ConnectionCloseHandler(bodyTimeout: bodyTimeout), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// The builder of this channel, for `HTTPServerBuilder.tls(_:tlsConfiguration:)`.
    static func builder(configuration: HTTP1Channel.Configuration,
                        bodyTimeout: @escaping @Sendable () -> Duration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ClosingHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration),
                                bodyTimeout: bodyTimeout)
        }
    }
}
