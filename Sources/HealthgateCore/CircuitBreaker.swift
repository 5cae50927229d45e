import Synchronization

/// A per-city circuit breaker: after `failures` consecutive transient failures it opens for `openFor`, during which
/// calls fail fast; the first call after that is a trial whose outcome closes or re-opens it.
public final class CircuitBreaker: Sendable {
    private struct State {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether a call may go out now (closed, or open but past its time: a trial).
    public func allows(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            guard let until = s.openUntil else { return true }
            return now >= until
        }
    }

    /// Whether the breaker is open at `now`.
    public func isOpen(now: ContinuousClock.Instant = .now) -> Bool { !allows(now: now) }

    /// A call succeeded (or failed permanently: the issuer answered): closes the breaker.
    public func recordSuccess() {
        state.withLock { s in
            s.consecutiveFailures = 0
            s.openUntil = nil
        }
    }

    /// A call failed transiently; returns `true` when this opened the breaker.
    @discardableResult
    public func recordFailure(threshold: Int, openFor: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            s.consecutiveFailures += 1
            if s.consecutiveFailures >= threshold {
                let wasOpen = s.openUntil.map { now < $0 } ?? false
                s.openUntil = now + openFor
                return !wasOpen
            }
            return false
        }
    }
}
