import Foundation
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgateStorage
import Hummingbird
import Logging

/// The outermost middleware of the mutual-TLS port: sets the request's deadline (`listen.requestDeadlineMs` from now),
/// then writes exactly one audit record of what was answered before the answer leaves (503 `audit-unavailable`, and
/// no result, when it cannot be committed), counts the request, and names it with `X-Request-Id`.
public struct AuditMiddleware: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let configuration: ConfigStore
    let audit: any AuditRecording
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger

    public init(configuration: ConfigStore, audit: any AuditRecording, clock: any WallClock = SystemWallClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "healthgate.server")) {
        self.configuration = configuration
        self.audit = audit
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        let started = ContinuousClock.now
        let receivedAt = clock.now()
        var context = context
        context.deadline = started + configuration.current.listen.requestDeadline
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // `ProblemMiddleware` renders every error; this is the last resort.
            context.record.failed(HealthgateError.Code.internalError.rawValue)
            response = Problem(HealthgateError(.internalError, "the gateway failed to answer")).response
        }
        let record = context.record.snapshot
        let routeName = record.route?.name ?? "other"
        let requestID = UUID().uuidString.lowercased()
        let entry = Self.entry(record, trace: context.trace.snapshot, requestID: requestID, receivedAt: receivedAt,
                               latency: ContinuousClock.now - started)
        do {
            try await audit.record(entry)
        } catch {
            logger.error("audit record could not be committed; answer withheld", metadata: ["route": "\(routeName)"])
            metrics.request(route: routeName, outcome: HealthgateError.Code.auditUnavailable.rawValue)
            return Problem(HealthgateError(.auditUnavailable, "the audit trail cannot be written; no answer may leave"))
                .response
        }
        metrics.request(route: routeName, outcome: record.failure ?? "ok")
        response.headers[.init("X-Request-Id")!] = requestID
        return response
    }

    /// The audit record of one answered request.
    static func entry(_ record: RequestRecord.Fields, trace: RequestTrace.Fields, requestID: String, receivedAt: Date,
                      latency: Duration) -> AuditRecord {
        let outcome: AuditOutcome
        if let failure = record.failure {
            outcome = .failed(code: failure)
        } else if let status = trace.status, let freshness = trace.freshness, let admits = trace.admits {
            outcome = .verified(status: status, freshness: freshness, admits: admits)
        } else {
            outcome = .completed
        }
        return AuditRecord(
            time: receivedAt, requestID: requestID,
            caller: AuditCaller(subject: record.caller?.subject ?? "-", fingerprint: record.caller?.fingerprint ?? "-"),
            role: record.caller.map { roleWord($0.roles, allowed: record.route?.roles ?? []) } ?? "-",
            route: record.route?.name ?? "other", purpose: trace.purpose, issuer: trace.issuer, holder: trace.holder,
            outcome: outcome, upstreamAttempts: trace.upstreamAttempts, latency: latency)
    }

    /// The role recorded in the audit: the one the route allowed, else every role the caller has.
    static func roleWord(_ roles: Set<Role>, allowed: Set<Role>) -> String {
        if let used = roles.intersection(allowed).first { return used.description }
        return roles.isEmpty ? "-" : roles.map(\.description).sorted().joined(separator: ",")
    }
}
