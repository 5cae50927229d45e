import HealthgateConfig
import HealthgateModel
import Hummingbird
import Logging

/// Renders every error of the request as problem+json (`Problem`), with `Retry-After` when the error carries one, and
/// notes its machine code for the audit record; a path no route serves is 404 `not-found`, any other error 500
/// `internal-error` (its type is logged, never its text). A 403 is logged with why the caller's certificate has no
/// role the route takes (`ForbiddenExplanation`), so that an operator can fix a notifier's or checkpoint's rule.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let configuration: ConfigStore?
    let logger: Logger

    public init(configuration: ConfigStore? = nil, logger: Logger = Logger(label: "healthgate.server")) {
        self.configuration = configuration
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        let failure: HealthgateError
        do {
            return try await next(request, context)
        } catch let error as HealthgateError {
            failure = error
        } catch let error as HTTPError where error.status == .notFound {
            failure = HealthgateError(.notFound, "no such endpoint")
        } catch {
            logger.error("handler failed", metadata: ["route": "\(context.record.snapshot.route?.name ?? "other")",
                                                      "error": "\(type(of: error))"])
            failure = HealthgateError(.internalError, "the gateway failed to answer")
        }
        context.record.failed(failure.code.rawValue)
        if failure.code == .forbidden, let configuration, let caller = context.record.snapshot.caller,
           let route = context.record.snapshot.route {
            logger.warning("request refused: 403 forbidden", metadata: ForbiddenExplanation(
                caller: caller, route: route.name, allowed: route.roles, configuration: configuration.current).metadata)
        }
        var response = Problem(failure).response
        if let seconds = failure.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
        return response
    }
}
