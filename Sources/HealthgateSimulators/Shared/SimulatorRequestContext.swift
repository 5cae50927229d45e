import Hummingbird
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// The request context of every simulated city: keeps the channel so a handler can read the client certificate.
public struct SimulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on (TLS already verified the client certificate against the city's CA).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The caller as its client certificate names it, or `nil` when the certificate cannot be read.
    public func caller() async -> CallerIdentity? {
        guard let peer = try? await channel.nioSSL_peerCertificate().get(),
            let der = try? peer.toDERBytes(),
            let certificate = try? Certificate(derEncoded: der)
        else { return nil }
        return CallerIdentity(certificate: certificate)
    }
}

/// Who is calling a simulated city, read from the subject of the verified client certificate.
public struct CallerIdentity: Hashable, Sendable {
    /// The certificate's common name, e.g. `gateway-310000`.
    public let commonName: String

    /// The region of a gateway certificate (`CN=gateway-<region>`), or `nil` for any other certificate.
    public var gatewayRegion: String? {
        let prefix = "gateway-"
        guard commonName.hasPrefix(prefix) else { return nil }
        let region = String(commonName.dropFirst(prefix.count))
        guard region.count == 6, region.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return region
    }

    /// A caller with this common name.
    public init(commonName: String) {
        self.commonName = commonName
    }

    /// Reads the last common name of the certificate's subject; `nil` when it has none.
    public init?(certificate: Certificate) {
        var found: String?
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                found = String(describing: attribute.value)
            }
        }
        guard let found else { return nil }
        commonName = found
    }
}
