/// The monotonic time that deadlines, per-attempt timeouts, the bulkhead's queue and the breaker's open period are
/// measured on; injected so that tests move time by hand (`ManualDeadlineClock` in the tests) instead of sleeping.
public protocol DeadlineClock: Sendable {
    /// The current instant.
    var now: ContinuousClock.Instant { get }
    /// Suspends until `deadline`; throws when the task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The process's continuous clock.
public struct SystemDeadlineClock: DeadlineClock {
    public init() {}

    public var now: ContinuousClock.Instant { .now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
