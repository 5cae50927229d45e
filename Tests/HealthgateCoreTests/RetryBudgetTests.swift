import HealthgateConfig
import HealthgateCore
import Testing

/// Envoy's rule over a sliding window of seconds, with instants given by hand.
@Suite struct RetryBudgetTests {
    let start = ContinuousClock.now

    @Test func aQuietCityGetsTheFloor() {
        var machine = RetryBudget.StateMachine(origin: start)
        let budget = RetryBudgetConfiguration(percent: 20, minPerSecond: 1, windowSeconds: 10)
        for _ in 0..<10 { let allowed = machine.allowRetry(now: start, budget: budget); #expect(allowed) }
        do { let allowed = machine.allowRetry(now: start, budget: budget); #expect(!allowed) }
    }

    @Test func retriesAreCappedAtTheirShareOfCalls() {
        var machine = RetryBudget.StateMachine(origin: start)
        let budget = RetryBudgetConfiguration(percent: 20, minPerSecond: 0, windowSeconds: 10)
        for _ in 0..<100 { machine.recordCall(now: start, window: budget.windowSeconds) }
        for _ in 0..<20 { let allowed = machine.allowRetry(now: start + .seconds(1), budget: budget); #expect(allowed) }
        do { let allowed = machine.allowRetry(now: start + .seconds(1), budget: budget); #expect(!allowed) }
        let totals = machine.totals(now: start + .seconds(1), window: 10)
        #expect(totals.calls == 100 && totals.retries == 20)
    }

    @Test func theWindowSlides() {
        var machine = RetryBudget.StateMachine(origin: start)
        let budget = RetryBudgetConfiguration(percent: 20, minPerSecond: 0, windowSeconds: 10)
        for _ in 0..<10 { machine.recordCall(now: start, window: 10) }
        do { let allowed = machine.allowRetry(now: start, budget: budget); #expect(allowed) }
        do { let allowed = machine.allowRetry(now: start, budget: budget); #expect(allowed) }
        do { let allowed = machine.allowRetry(now: start, budget: budget); #expect(!allowed) }
        // Ten seconds on, the calls and retries of second 0 have left the window.
        let totals = machine.totals(now: start + .seconds(10), window: 10)
        #expect(totals.calls == 0 && totals.retries == 0)
        do { let allowed = machine.allowRetry(now: start + .seconds(10), budget: budget); #expect(!allowed) }
        for _ in 0..<5 { machine.recordCall(now: start + .seconds(10), window: 10) }
        do { let allowed = machine.allowRetry(now: start + .seconds(10), budget: budget); #expect(allowed) }
    }
}
