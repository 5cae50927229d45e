import HealthgateConfig
import Synchronization

/// What the gateway's middlewares learn about one request for its audit record, shared by reference because each
/// runs inside the one before it: the caller (`AuthenticationMiddleware`), the route (`RouteAccess`), and the error
/// code it was answered with (`ProblemMiddleware`).
public final class RequestRecord: Sendable {
    /// The fields gathered so far.
    public struct Fields: Sendable {
        /// The authenticated caller.
        public var caller: CallerIdentity?
        /// The route's audit name and roles; `nil` when no route was reached.
        public var route: (name: String, roles: Set<Role>)?
        /// The machine code of the error answered, if any.
        public var failure: String?
    }

    private let fields = Mutex(Fields())

    public init() {}

    /// A copy of the fields.
    public var snapshot: Fields { fields.withLock { $0 } }

    func authenticated(_ caller: CallerIdentity) { fields.withLock { $0.caller = caller } }

    func reached(_ name: String, roles: Set<Role>) { fields.withLock { $0.route = (name, roles) } }

    func failed(_ code: String) { fields.withLock { $0.failure = code } }
}
