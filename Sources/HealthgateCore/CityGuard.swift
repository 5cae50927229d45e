/// What protects one city and the gateway from it, shared by every request to that city: its circuit breaker,
/// bulkhead and retry budget.
public struct CityGuard: Sendable {
    public let breaker: CircuitBreaker
    public let bulkhead: Bulkhead
    public let retryBudget: RetryBudget

    /// A closed breaker, an empty bulkhead, an unused budget counting seconds from `origin`.
    public init(origin: ContinuousClock.Instant) {
        breaker = CircuitBreaker()
        bulkhead = Bulkhead()
        retryBudget = RetryBudget(origin: origin)
    }
}
