extension ConfigValidator {
    /// `bulkhead:` checked: both limits positive, at most 10 000.
    mutating func bulkhead(_ value: ConfigFile.Bulkhead?) -> BulkheadConfiguration {
        let defaults = BulkheadConfiguration()
        let inFlight = positive(value?.maxInFlight, "bulkhead.maxInFlight", default: defaults.maxInFlight)
        let queued = value?.maxQueued ?? defaults.maxQueued
        if queued < 0 { fail("bulkhead.maxQueued", "must not be negative") }
        if inFlight > 10_000 { fail("bulkhead.maxInFlight", "at most 10000") }
        if queued > 10_000 { fail("bulkhead.maxQueued", "at most 10000") }
        return BulkheadConfiguration(maxInFlight: inFlight, maxQueued: max(queued, 0))
    }

    /// `retryBudget:` checked: a percentage from 0 to 100, a non-negative floor, a window of 1 to 600 seconds.
    mutating func retryBudget(_ value: ConfigFile.RetryBudget?) -> RetryBudgetConfiguration {
        let defaults = RetryBudgetConfiguration()
        let percent = value?.percent ?? defaults.percent
        if !(0...100).contains(percent) { fail("retryBudget.percent", "must be from 0 to 100") }
        let floor = value?.minPerSecond ?? defaults.minPerSecond
        if floor < 0 { fail("retryBudget.minPerSecond", "must not be negative") }
        let window = positive(value?.windowSeconds, "retryBudget.windowSeconds", default: defaults.windowSeconds)
        if window > 600 { fail("retryBudget.windowSeconds", "at most 600") }
        return RetryBudgetConfiguration(percent: percent, minPerSecond: max(floor, 0), windowSeconds: window)
    }
}
