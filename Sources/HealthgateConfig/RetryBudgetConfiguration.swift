/// How many retries one city may be sent (`retryBudget:`, Envoy's rule): over the last `windowSeconds`, retries at
/// most `percent` % of the calls made, and never fewer than `minPerSecond` × `windowSeconds` allowed, so a quiet city
/// still gets its retries. A transient failure past the budget is answered without its retry.
public struct RetryBudgetConfiguration: Sendable, Hashable {
    /// Retries as a percentage of the calls in the window.
    public var percent: Int
    /// Retries always allowed per second of the window.
    public var minPerSecond: Int
    /// The sliding window, in whole seconds.
    public var windowSeconds: Int

    public init(percent: Int = 20, minPerSecond: Int = 3, windowSeconds: Int = 10) {
        self.percent = percent
        self.minPerSecond = minPerSecond
        self.windowSeconds = windowSeconds
    }
}
