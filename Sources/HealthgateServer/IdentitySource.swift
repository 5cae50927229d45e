import Hummingbird
import HealthgateConfig
import NIOCore
import NIOSSL
import Synchronization

/// Where the caller's certificate comes from. In production only the TLS connection's verified peer certificate
/// (`TLSPeerIdentitySource`); tests in `.router` mode, which has no TLS, inject a certificate.
public protocol IdentitySource: Sendable {
    /// The caller's certificate, or `nil` when there is none.
    func peerCertificate(for request: Request, context: GatewayRequestContext) async throws -> CertificateInfo?
}

/// The certificate NIOSSL verified during the handshake; request headers (`X-SSL-Client-*`) are never consulted.
///
/// A peer certificate cannot change within a TLS connection, so it is read and parsed once per connection and kept
/// until the connection closes (a renegotiation is never offered: NIOSSL refuses it by default).
public final class TLSPeerIdentitySource: IdentitySource {
    /// The parsed certificate of each open connection, by channel.
    private let connections = Mutex<[ObjectIdentifier: CertificateInfo]>([:])

    public init() {}

    public func peerCertificate(for request: Request, context: GatewayRequestContext) async throws -> CertificateInfo? {
        let channel = context.channel
        let key = ObjectIdentifier(channel)
        if let known = connections.withLock({ $0[key] }) { return known }
        guard let certificate = try await channel.nioSSL_peerCertificate().get() else { return nil }
        let parsed = try CertificateInfo(der: certificate.toDERBytes())
        let stored = connections.withLock { map -> Bool in
            guard channel.isActive else { return false }  // closing: its close callback may already have run
            map[key] = parsed
            return true
        }
        if stored {
            channel.closeFuture.whenComplete { [weak self] _ in
                _ = self?.connections.withLock { $0.removeValue(forKey: key) }
            }
        }
        return parsed
    }
}

/// A fixed certificate per request, chosen by a closure: for `.router` test mode only.
public struct InjectedIdentitySource: IdentitySource {
    let choose: @Sendable (Request) -> CertificateInfo?

    public init(_ choose: @escaping @Sendable (Request) -> CertificateInfo?) { self.choose = choose }

    public func peerCertificate(for request: Request, context: GatewayRequestContext) async throws -> CertificateInfo? {
        choose(request)
    }
}
