import HealthgateModel

/// The one retry of a transient failure of a city call (a verification, an arrival registration): no sooner than
/// 200 ms, after the city's own wait hint when it gave one, and only when the retry still has `minimumAttempt` of the
/// request's deadline left after its wait. The retry budget (`RetryBudget`) may still refuse it.
enum IssuerRetry {
    /// The shortest wait before the retry.
    static let minimumDelay: Duration = .milliseconds(200)
    /// The least time worth giving the retry.
    static let minimumAttempt: Duration = .milliseconds(250)

    /// When to retry after `error` on attempt `attempt` at `now`, or `nil` when the error is permanent, the retry was
    /// already made, or the retry would not have `minimumAttempt` left before `deadline`.
    static func retryAt(after error: HealthgateError, attempt: Int, now: ContinuousClock.Instant,
                        deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard error.isTransient, attempt == 1 else { return nil }
        var wait = minimumDelay
        if let seconds = error.retryAfterSeconds { wait = max(wait, .seconds(seconds)) }
        if let millis = error.retryAfterMilliseconds { wait = max(wait, .milliseconds(millis)) }
        guard now + wait + minimumAttempt <= deadline else { return nil }
        return now + wait
    }
}
