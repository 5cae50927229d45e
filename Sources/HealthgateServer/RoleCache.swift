import HealthgateConfig
import Synchronization

/// The roles the configuration gives each certificate, computed once per certificate and configuration generation:
/// matching a rule checks the CA's signature over the certificate (ECDSA), which need not run on every request.
/// A reload bumps the generation, so every open connection is re-checked against the new rules at its next request.
final class RoleCache: Sendable {
    /// At most this many certificates are remembered; past it the cache starts over.
    static let capacity = 4096

    private let entries = Mutex<(generation: UInt64, roles: [String: Set<Role>])>((0, [:]))

    /// The roles of `certificate` under `configuration` (generation `generation`).
    func roles(for certificate: CertificateInfo, configuration: GatewayConfiguration, generation: UInt64) -> Set<Role> {
        let known = entries.withLock { state -> Set<Role>? in
            guard state.generation == generation else { return nil }
            return state.roles[certificate.fingerprint]
        }
        if let known { return known }
        let roles = configuration.roles(for: certificate)
        entries.withLock { state in
            if state.generation != generation || state.roles.count >= Self.capacity {
                state = (generation, [:])
            }
            state.roles[certificate.fingerprint] = roles
        }
        return roles
    }
}
