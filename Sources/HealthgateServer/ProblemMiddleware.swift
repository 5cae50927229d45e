import HealthgateModel
import Hummingbird
import Logging

/// Renders every error of the request as problem+json (`Problem`), with `Retry-After` when the error carries one, and
/// notes its machine code for the audit record; a path no route serves is 404 `not-found`, any other error 500
/// `internal-error` (its type is logged, never its text).
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    let logger: Logger

    public init(logger: Logger = Logger(label: "healthgate.server")) { self.logger = logger }

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
        var response = Problem(failure).response
        if let seconds = failure.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
        return response
    }
}
