import Foundation
import HealthgateConfig
import HealthgateModel
import Hummingbird

/// Authenticates the verified client certificate (EKU clientAuth, within its validity) and maps it to roles, once per
/// certificate and configuration generation (`RoleCache`); 401 `unauthenticated` without a valid one. Which roles a
/// route takes is the route's own (`RouteAccess`).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let configuration: ConfigStore
    let identities: any IdentitySource
    let clock: any WallClock
    let roleCache = RoleCache()

    public init(configuration: ConfigStore, identities: any IdentitySource, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.identities = identities
        self.clock = clock
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        var context = context
        let caller = try await authenticate(request, context: context)
        context.caller = caller
        context.record.authenticated(caller)
        return try await next(request, context)
    }

    /// The caller from the verified certificate; `unauthenticated` without one, or with one that is not a valid
    /// client certificate now.
    func authenticate(_ request: Request, context: Context) async throws(HealthgateError) -> CallerIdentity {
        let (config, generation) = configuration.currentWithGeneration
        let certificate: CertificateInfo?
        do {
            certificate = try await identities.peerCertificate(for: request, context: context)
        } catch {
            throw HealthgateError(.unauthenticated, "the client certificate could not be read")
        }
        guard let certificate else { throw HealthgateError(.unauthenticated, "a client certificate is required") }
        guard certificate.isValid(at: clock.now()) else {
            throw HealthgateError(.unauthenticated, "the client certificate is expired or not yet valid")
        }
        guard certificate.isClientCertificate else {
            throw HealthgateError(.unauthenticated, "the client certificate lacks EKU clientAuth")
        }
        return CallerIdentity(subject: certificate.subject, commonName: certificate.subjectCN,
                              fingerprint: certificate.fingerprint,
                              roles: roleCache.roles(for: certificate, configuration: config, generation: generation))
    }
}
