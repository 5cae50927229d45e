import Hummingbird
import HealthgateCore
import NIOCore

/// The gateway's request context: the connection's channel (for the TLS peer certificate), and what the gateway
/// middleware established: the caller, the request's trace for the audit, and its deadline.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    public let channel: any Channel
    /// The authenticated caller (set by `AuthenticationMiddleware`).
    public var caller: CallerIdentity?
    /// What the flow learned, for the audit record.
    public var trace = RequestTrace()
    /// What the middlewares learned for the audit record: the caller, the route, the failure.
    public let record = RequestRecord()
    /// When the request must be answered.
    public var deadline: ContinuousClock.Instant = .now + .seconds(10)

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
