import Hummingbird
import HealthgateConfig
import NIOCore
import NIOSSL

/// Where the caller's certificate comes from. In production only the TLS connection's verified peer certificate
/// (`TLSPeerIdentitySource`); tests in `.router` mode, which has no TLS, inject a certificate.
public protocol IdentitySource: Sendable {
    /// The caller's certificate, or `nil` when there is none.
    func peerCertificate(for request: Request, context: GatewayRequestContext) async throws -> CertificateInfo?
}

/// The certificate NIOSSL verified during the handshake; request headers (`X-SSL-Client-*`) are never consulted.
public struct TLSPeerIdentitySource: IdentitySource {
    public init() {}

    public func peerCertificate(for request: Request, context: GatewayRequestContext) async throws -> CertificateInfo? {
        guard let certificate = try await context.channel.nioSSL_peerCertificate().get() else { return nil }
        return try CertificateInfo(der: certificate.toDERBytes())
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
