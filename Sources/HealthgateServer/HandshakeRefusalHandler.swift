import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right after the TLS handler of each connection: an error raised before the handshake completed is a refused
/// handshake, counted by reason and logged (with the peer's address, never anything it sent); errors after the
/// handshake are the HTTP layer's and pass untouched.
final class HandshakeRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let logger: Logger
    private var handshakeDone = false
    private var reported = false

    init(logger: Logger) { self.logger = logger }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls { handshakeDone = true }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !handshakeDone, !reported {
            reported = true
            let refusal = HandshakeRefusal(error)
            refusal.count()
            let metadata: Logger.Metadata = [
                "reason": "\(refusal.rawValue)", "peer": "\(context.remoteAddress?.description ?? "-")",
            ]
            // A bare TCP probe (a load balancer's health check) closes before any handshake: counted, not shouted.
            if refusal == .closedDuringHandshake {
                logger.debug("TLS handshake not completed", metadata: metadata)
            } else {
                logger.warning("TLS handshake refused", metadata: metadata)
            }
        }
        context.fireErrorCaught(error)
    }
}

// HandshakeRefusalHandler lives on one channel's event loop.
@available(*, unavailable)
extension HandshakeRefusalHandler: Sendable {}
