import HealthgateModel

/// The one retry of a transient failure of a city call (a verification, an arrival registration): no sooner than
/// 200 ms, after the city's own wait hint when it gave one, and never past the request's deadline.
enum IssuerRetry {
    /// The shortest wait before the retry.
    static let minimumDelay: Duration = .milliseconds(200)

    /// Waits before retrying after `error` on attempt `attempt`; rethrows `error` when it is permanent, the retry was
    /// already made, or the wait would pass `deadline`.
    static func wait(after error: HealthgateError, attempt: Int, deadline: ContinuousClock.Instant)
        async throws(HealthgateError)
    {
        guard error.isTransient, attempt == 1 else { throw error }
        var wait = minimumDelay
        if let seconds = error.retryAfterSeconds { wait = max(wait, .seconds(seconds)) }
        if let millis = error.retryAfterMilliseconds { wait = max(wait, .milliseconds(millis)) }
        guard ContinuousClock.now + wait < deadline else { throw error }
        do { try await Task.sleep(for: wait) } catch { throw .unavailable("the request was cancelled") }
    }
}
