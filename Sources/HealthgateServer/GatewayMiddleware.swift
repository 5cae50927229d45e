import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgateStorage
import Hummingbird
import Logging
import X509

/// Runs around every request on the mutual-TLS port: authenticates the verified client certificate (EKU clientAuth,
/// within its validity) and maps it to roles, renders every error as problem+json, and writes exactly one audit record
/// before the answer leaves (503 `audit-unavailable` when it cannot). Each route declares who may call it where it is
/// registered (`RouteAccess`); a path no route serves is 404.
public struct GatewayMiddleware: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let configuration: ConfigStore
    let identities: any IdentitySource
    let audit: any AuditRecording
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger
    let roleCache = RoleCache()

    public init(configuration: ConfigStore, identities: any IdentitySource, audit: any AuditRecording,
                clock: any WallClock = SystemWallClock(), metrics: GatewayMetrics = GatewayMetrics(),
                logger: Logger = Logger(label: "healthgate.server")) {
        self.configuration = configuration
        self.identities = identities
        self.audit = audit
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        let started = ContinuousClock.now
        let receivedAt = clock.now()
        let (config, generation) = configuration.currentWithGeneration
        var context = context
        context.deadline = started + config.listen.requestDeadline

        var response: Response
        var errorCode: String?
        do throws(HealthgateError) {
            let caller = try await authenticate(request, context: context, config: config, generation: generation,
                                                now: receivedAt)
            context.caller = caller
            do {
                response = try await next(request, context)
            } catch let error as HealthgateError {
                throw error
            } catch let error as HTTPError where error.status == .notFound {
                // A path the route table lets through but no route matches (`GET /v1/transfers/a/b`).
                throw HealthgateError(.notFound, "no such endpoint")
            } catch {
                logger.error("handler failed", metadata: ["route": "\(context.route.current?.name ?? "other")",
                                                          "error": "\(type(of: error))"])
                throw HealthgateError(.internalError, "the gateway failed to answer")
            }
        } catch {
            errorCode = error.code.rawValue
            response = Problem(error).response
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
        }

        let trace = context.trace.snapshot
        let route = context.route.current
        let routeName = route?.name ?? "other"
        let outcome: AuditOutcome
        if let errorCode {
            outcome = .failed(code: errorCode)
        } else if let status = trace.status, let freshness = trace.freshness, let admits = trace.admits {
            outcome = .verified(status: status, freshness: freshness, admits: admits)
        } else {
            outcome = .completed
        }
        let requestID = UUID().uuidString.lowercased()
        let entry = AuditRecord(
            time: receivedAt, requestID: requestID,
            caller: AuditCaller(subject: context.caller?.subject ?? "-", fingerprint: context.caller?.fingerprint ?? "-"),
            role: context.caller.map { Self.roleWord($0.roles, allowed: route?.roles ?? []) } ?? "-",
            route: routeName, purpose: trace.purpose, issuer: trace.issuer, holder: trace.holder, outcome: outcome,
            upstreamAttempts: trace.upstreamAttempts, latency: ContinuousClock.now - started)
        do {
            try await audit.record(entry)
        } catch {
            logger.error("audit record could not be committed; answer withheld", metadata: ["route": "\(routeName)"])
            metrics.request(route: routeName, outcome: HealthgateError.Code.auditUnavailable.rawValue)
            return Problem(HealthgateError(.auditUnavailable, "the audit trail cannot be written; no answer may leave"))
                .response
        }
        metrics.request(route: routeName, outcome: errorCode ?? "ok")
        response.headers[.init("X-Request-Id")!] = requestID
        return response
    }

    /// The caller from the verified certificate; `unauthenticated` without one, or with one that is not a valid
    /// client certificate now.
    func authenticate(_ request: Request, context: Context, config: GatewayConfiguration, generation: UInt64,
                      now: Date) async throws(HealthgateError) -> CallerIdentity {
        let certificate: CertificateInfo?
        do {
            certificate = try await identities.peerCertificate(for: request, context: context)
        } catch {
            throw HealthgateError(.unauthenticated, "the client certificate could not be read")
        }
        guard let certificate else { throw HealthgateError(.unauthenticated, "a client certificate is required") }
        guard certificate.isValid(at: now) else {
            throw HealthgateError(.unauthenticated, "the client certificate is expired or not yet valid")
        }
        guard certificate.isClientCertificate else {
            throw HealthgateError(.unauthenticated, "the client certificate lacks EKU clientAuth")
        }
        return CallerIdentity(subject: certificate.subject, commonName: certificate.subjectCN,
                              fingerprint: certificate.fingerprint,
                              roles: roleCache.roles(for: certificate, configuration: config, generation: generation))
    }

    /// The role recorded in the audit: the one the route allowed, else every role the caller has.
    static func roleWord(_ roles: Set<Role>, allowed: Set<Role>) -> String {
        if let used = roles.intersection(allowed).first { return used.description }
        return roles.isEmpty ? "-" : roles.map(\.description).sorted().joined(separator: ",")
    }
}
