import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// A child channel (the TLS one) with a `HandshakeRefusalHandler` placed right after its `NIOSSLServerHandler`.
struct HandshakeObservingChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let observerLogger = self.logger
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let ssl = try pipeline.handler(type: NIOSSLServerHandler.self)
            try pipeline.addHandler(HandshakeRefusalHandler(logger: observerLogger), position: .after(ssl))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS, as `.tls(.http1(...))`, with every refused handshake counted by reason and logged, and
    /// HTTP/1.0 and `Connection: close` honoured (`ClosingHTTP1Channel`).
    static func observedTLS(idleTimeout: TimeAmount, tlsConfiguration: TLSConfiguration,
                            bodyTimeout: @escaping @Sendable () -> Duration, logger: Logger) throws
        -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HandshakeObservingChannel(
                base: try TLSChannel(
                    ClosingHTTP1Channel(base: HTTP1Channel(responder: responder,
                                                           configuration: .init(idleTimeout: idleTimeout)),
                                        bodyTimeout: bodyTimeout),
                    tlsConfiguration: tlsConfiguration),
                logger: logger)
        }
    }
}
