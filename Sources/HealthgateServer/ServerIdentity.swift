import HealthgateConfig
import NIOSSL
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The listener's certificate chain and private key, read from the configured files at start and again at each
/// configuration reload, and handed to every new TLS handshake: a renewed server certificate is served without a
/// restart (SIGHUP, or any change of the configuration file). Connections already open keep the one they began with.
///
/// Only the certificate and key are swapped this way; a new address, port or set of client CAs needs a restart.
public final class ServerIdentity: Sendable {
    private let current = Mutex<NIOSSLContextConfigurationOverride?>(nil)

    /// An identity with nothing loaded yet: handshakes use the TLS configuration's own certificate until `use`.
    public init() {}

    /// Reads the chain and key `listen` names (the key's passphrase from its environment variable, if set).
    public static func read(_ listen: ListenConfiguration) throws -> NIOSSLContextConfigurationOverride {
        let chain = try NIOSSLCertificate.fromPEMFile(listen.certificatePath)
        let key: NIOSSLPrivateKey
        if let env = listen.keyPassphraseEnv, let passphrase = ProcessInfo.processInfo.environment[env] {
            key = try NIOSSLPrivateKey(file: listen.keyPath, format: .pem) { provide in provide(Array(passphrase.utf8)) }
        } else {
            key = try NIOSSLPrivateKey(file: listen.keyPath, format: .pem)
        }
        var identity = NIOSSLContextConfigurationOverride()
        identity.certificateChain = chain.map { .certificate($0) }
        identity.privateKey = .privateKey(key)
        return identity
    }

    /// Serves `identity` from the next handshake on.
    public func use(_ identity: NIOSSLContextConfigurationOverride) {
        current.withLock { $0 = identity }
    }

    /// What the next handshake presents.
    var override: NIOSSLContextConfigurationOverride { current.withLock { $0 ?? .noChanges } }
}
