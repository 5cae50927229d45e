/// How many requests may wait on one city at a time (`bulkhead:`, the same limits for every city): `maxInFlight`
/// calls at once, `maxQueued` more waiting for one of them to end; past both, an immediate 503
/// `issuer-unavailable` with `Retry-After`.
///
/// The defaults come from the fault benchmark: libcurl opens 8 connections per host, so 8 calls in flight never wait
/// for a connection (time queued is spent in the bulkhead, against the request's deadline, not the city's per-attempt
/// timeout); with 2 s answers and an 8 s request deadline, 24 queued requests can still be answered in time.
public struct BulkheadConfiguration: Sendable, Hashable {
    /// Calls to one city in flight at once.
    public var maxInFlight: Int
    /// Requests waiting for a call slot of one city.
    public var maxQueued: Int

    public init(maxInFlight: Int = 8, maxQueued: Int = 24) {
        self.maxInFlight = maxInFlight
        self.maxQueued = maxQueued
    }
}
