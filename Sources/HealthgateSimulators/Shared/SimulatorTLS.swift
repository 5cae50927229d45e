import Foundation
import NIOCore
import NIOSSL

/// The files a simulated city serves mutual TLS with, and the ones it notifies gateways with.
public struct SimulatorTLSFiles: Hashable, Sendable {
    /// The city's server certificate (PEM, SAN 127.0.0.1 and localhost), optionally followed by its chain.
    public var serverCertificate: URL
    /// The server certificate's private key (PEM).
    public var serverPrivateKey: URL
    /// The city's federation CA (PEM): the only issuer whose client certificates the city accepts.
    public var clientCA: URL
    /// The city's notifier client certificate (PEM), for outgoing notifications; `nil` when the city sends none.
    public var notifierCertificate: URL?
    /// The notifier certificate's private key (PEM).
    public var notifierPrivateKey: URL?
    /// The roots that the notifier trusts for the gateways' server certificates (PEM).
    public var notificationTrustRoots: URL?

    /// Files for one city; the notifier files are optional.
    public init(
        serverCertificate: URL, serverPrivateKey: URL, clientCA: URL,
        notifierCertificate: URL? = nil, notifierPrivateKey: URL? = nil, notificationTrustRoots: URL? = nil
    ) {
        self.serverCertificate = serverCertificate
        self.serverPrivateKey = serverPrivateKey
        self.clientCA = clientCA
        self.notifierCertificate = notifierCertificate
        self.notifierPrivateKey = notifierPrivateKey
        self.notificationTrustRoots = notificationTrustRoots
    }

    /// The server side of mutual TLS: TLS 1.2 or 1.3 only, client certificates required and verified against the
    /// city's CA alone (not the system roots).
    public func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(serverCertificate.path).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: serverPrivateKey.path, format: .pem)
        let roots = try NIOSSLCertificate.fromPEMFile(clientCA.path)
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: chain,
            privateKey: .privateKey(key),
            trustRoots: .certificates(roots)
        )
        configuration.minimumTLSVersion = .tlsv12
        // Closing a connection waits this long for the client's close_notify (NIOSSL's default, 5 s, held every
        // stop of the demo for as long as a pooled client connection stayed open).
        configuration.shutdownTimeout = .milliseconds(250)
        configuration.certificateVerification = .noHostnameVerification
        return configuration
    }
}
