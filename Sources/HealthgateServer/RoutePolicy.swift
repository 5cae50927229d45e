import HealthgateConfig
import HealthgateModel

/// Which roles may call which route; a route not listed is `not-found`.
public enum RoutePolicy {
    /// The audit and metrics name of a request's route, and the roles that may call it; `nil` for an unknown route.
    /// `sendsNotifications` tells whether a configured city's adapter takes notifications (`CityAdapter`).
    public static func route(method: String, path: String, configuration: GatewayConfiguration,
                             sendsNotifications: (CityConfiguration) -> Bool) -> (name: String, roles: Set<Role>)? {
        if method == "GET" {
            guard path.hasPrefix("/v1/transfers/"), path.count > "/v1/transfers/".count else { return nil }
            return ("GET /v1/transfers/{requestId}", [.transferAgent])
        }
        guard method == "POST" else { return nil }
        switch path {
        case "/v1/verify": return ("POST /v1/verify", [.checkpoint])
        case "/v1/transfers": return ("POST /v1/transfers", [.transferAgent])
        case "/federation/v1/verify": return ("POST /federation/v1/verify", [.peerGateway])
        case "/federation/v1/status-events": return ("POST /federation/v1/status-events", [.peerGateway])
        default:
            guard path.hasPrefix("/notifications/") else { return nil }
            let name = String(path.dropFirst("/notifications/".count))
            guard let city = configuration.city(named: name), sendsNotifications(city) else {
                return nil
            }
            return ("POST /notifications/\(city.name)", [.notifier(city.region)])
        }
    }
}
