import Synchronization

/// A city's circuit breaker, shared by every request to that city: after `threshold` consecutive failures to reach
/// the city it opens for `openFor`, during which calls fail fast; then exactly one call at a time is let through as
/// the trial (the others still fail fast) until one closes it or re-opens it. The rules are `StateMachine`'s; this
/// type only locks it.
public final class CircuitBreaker: Sendable {
    private let machine = Mutex(StateMachine())

    public init() {}

    /// Whether a call may go out at `now` (`.call`, `.trial`) or must fail fast; every admission must be ended by
    /// `succeeded`, `failed` or `abandoned`.
    public func admit(now: ContinuousClock.Instant) -> StateMachine.Admission {
        machine.withLock { $0.admit(now: now) }
    }

    /// The admitted call got an answer from the city.
    @discardableResult
    public func succeeded(_ admission: StateMachine.Admission) -> StateMachine.Transition? {
        machine.withLock { $0.succeeded(admission) }
    }

    /// The admitted call could not reach the city, or the city did not answer in time.
    @discardableResult
    public func failed(_ admission: StateMachine.Admission, now: ContinuousClock.Instant, threshold: Int,
                       openFor: Duration) -> StateMachine.Transition? {
        machine.withLock { $0.failed(admission, now: now, threshold: threshold, openFor: openFor) }
    }

    /// The admitted call was not made, or ended without a verdict.
    public func abandoned(_ admission: StateMachine.Admission) {
        machine.withLock { $0.abandoned(admission) }
    }

    /// The current state.
    public var state: StateMachine.State { machine.withLock { $0.state } }

    /// The gauge value of the current state: 0 closed, 1 open, 2 half-open.
    public var gauge: Int { machine.withLock { $0.gauge } }

    /// When an open breaker admits its trial; `nil` unless open.
    public var openUntil: ContinuousClock.Instant? { machine.withLock { $0.openUntil } }
}
