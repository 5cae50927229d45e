/// How many requests may wait on one city at a time (`bulkhead:`, the same limits for every city): `maxInFlight`
/// calls at once, `maxQueued` more waiting for one of them to end; past both, an immediate 503
/// `issuer-unavailable` with `Retry-After`.
///
/// The defaults: 32 in flight, the default of `cities.*.maxConnections` (which may not be lower), so a call never
/// waits for a connection inside libcurl (time queued is spent here, against the request's deadline, not the city's
/// per-attempt timeout); 256 queued, so that a burst of checkpoints' misses against a healthy city waits its turn
/// rather than being refused, while a hanging city still holds at most 288 requests.
public struct BulkheadConfiguration: Sendable, Hashable {
    /// Calls to one city in flight at once.
    public var maxInFlight: Int
    /// Requests waiting for a call slot of one city.
    public var maxQueued: Int

    public init(maxInFlight: Int = 32, maxQueued: Int = 256) {
        self.maxInFlight = maxInFlight
        self.maxQueued = maxQueued
    }
}
