import Metrics

extension GatewayMetrics {
    /// The state of `city`'s circuit breaker: 0 closed, 1 open, 2 half-open (`healthgate_breaker_state`); and, for
    /// the dashboards and alerts written before it, `healthgate_breaker_open`: 1 unless closed.
    public func breaker(city: String, state: Int) {
        Gauge(label: "healthgate_breaker_state", dimensions: [("city", city)]).record(state)
        Gauge(label: "healthgate_breaker_open", dimensions: [("city", city)]).record(state == 0 ? 0 : 1)
    }

    /// A request to `city` refused before any call: `breaker-open`, `bulkhead-full` or `queue-deadline`.
    public func refused(city: String, reason: String) {
        Counter(label: "healthgate_upstream_refused_total", dimensions: [("city", city), ("reason", reason)])
            .increment()
    }

    /// A retry to `city` the retry budget did not allow (`healthgate_retries_refused_total`).
    public func retryRefused(city: String) {
        Counter(label: "healthgate_retries_refused_total", dimensions: [("city", city)]).increment()
    }

    /// A retry made to `city`.
    public func retried(city: String) {
        Counter(label: "healthgate_retries_total", dimensions: [("city", city)]).increment()
    }
}
