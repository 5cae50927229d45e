import HealthgateConfig
import Synchronization

/// A city's retry budget, shared by every request to that city: the one retry of a transient failure is made only
/// while retries stay a bounded share of recent calls (`RetryBudgetConfiguration`), so that a failing city is not
/// sent twice its load. The counting is `StateMachine`'s; this type only locks it.
public final class RetryBudget: Sendable {
    private let machine: Mutex<StateMachine>

    /// A budget counting seconds from `origin`.
    public init(origin: ContinuousClock.Instant) { machine = Mutex(StateMachine(origin: origin)) }

    /// One call (not a retry) is made at `now`.
    public func recordCall(now: ContinuousClock.Instant, budget: RetryBudgetConfiguration) {
        machine.withLock { $0.recordCall(now: now, window: budget.windowSeconds) }
    }

    /// Whether a retry may be made at `now`; counts it when it may.
    public func allowRetry(now: ContinuousClock.Instant, budget: RetryBudgetConfiguration) -> Bool {
        machine.withLock { $0.allowRetry(now: now, budget: budget) }
    }
}
