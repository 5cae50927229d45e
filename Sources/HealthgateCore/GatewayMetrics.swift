import HealthgateConfig
import Metrics
import Foundation

/// The gateway's metrics, through swift-metrics (the server bootstraps a Prometheus registry): labels carry routes,
/// outcomes and city names, never personal data.
public struct GatewayMetrics: Sendable {
    /// The per-request handles, made once (their dimensions are routes, outcomes and city names: a bounded set).
    private let handles = MetricHandles()

    public init() {}

    /// One request answered on `route` with `outcome` (`ok` or a machine error code).
    public func request(route: String, outcome: String) {
        handles.counter("healthgate_requests_total", [("route", route), ("outcome", outcome)]).increment()
    }

    /// One upstream call to `city` that took `duration`, ending in `outcome`.
    public func upstream(city: String, duration: Duration, outcome: String) {
        let nanos = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        handles.timer("healthgate_upstream_latency_seconds", [("city", city)]).recordNanoseconds(nanos)
        handles.counter("healthgate_upstream_calls_total", [("city", city), ("outcome", outcome)]).increment()
    }

    /// A cache lookup for `city`: `hit` (fresh), `stale`, or `miss`.
    public func cache(city: String, result: String) {
        handles.counter("healthgate_cache_lookups_total", [("city", city), ("result", result)]).increment()
    }

    /// Days until each configured certificate expires.
    public func certificates(_ material: [CertificateMaterial], now: Date) {
        for item in material {
            let days = item.notValidAfter.timeIntervalSince(now) / 86400
            Gauge(label: "healthgate_certificate_days_to_expiry", dimensions: [("owner", item.owner), ("key", item.key)])
                .record(days.rounded(.down))
        }
    }

    /// A configuration reload attempt: `applied` or `refused`.
    public func reload(outcome: String) {
        Counter(label: "healthgate_config_reloads_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// A holder-changed event applied, from `source`.
    public func invalidation(source: String) {
        Counter(label: "healthgate_invalidations_total", dimensions: [("source", source)]).increment()
    }
}
