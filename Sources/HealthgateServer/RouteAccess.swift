import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import Hummingbird

/// Who may call a route, declared where the route is registered (a `RouterGroup` middleware): it names the route for
/// the audit and metrics (`RequestRecord`) and refuses a caller without one of its roles (403 `forbidden`).
/// Authentication (`AuthenticationMiddleware`) has already happened.
public struct RouteAccess: RouterMiddleware {
    public typealias Context = GatewayRequestContext

    /// The route's audit name and roles for one request; `nil` when the path names nothing that exists (404).
    let resolve: @Sendable (Context) -> (name: String, roles: Set<Role>)?

    /// A route named `name` that callers with any of `roles` may call.
    public init(_ name: String, roles: Set<Role>) {
        resolve = { _ in (name, roles) }
    }

    /// A route whose name and roles depend on the request (`/notifications/:city`).
    init(resolve: @escaping @Sendable (Context) -> (name: String, roles: Set<Role>)?) {
        self.resolve = resolve
    }

    /// `POST /notifications/<city>`: only for a configured city whose adapter takes notifications, and only for that
    /// city's notifier.
    static func notifications(configuration: ConfigStore, adapters: AdapterRegistry) -> RouteAccess {
        RouteAccess { context in
            guard let name = context.parameters.get("city"), let city = configuration.current.city(named: name),
                  adapters.adapter(for: city.region)?.sendsNotifications == true
            else { return nil }
            return ("POST /notifications/\(city.name)", [.notifier(city.region)])
        }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response {
        guard let route = resolve(context) else { throw HealthgateError(.notFound, "no such endpoint") }
        context.record.reached(route.name, roles: route.roles)
        guard let caller = context.caller, !caller.roles.isDisjoint(with: route.roles) else {
            throw HealthgateError(.forbidden, "this certificate's role may not call \(route.name)")
        }
        return try await next(request, context)
    }
}
