import HealthgateConfig
import HealthgateCore
import Testing

/// The bulkhead's slots and queue; waiting is aged with the manual clock.
@Suite struct BulkheadTests {
    let limits = BulkheadConfiguration(maxInFlight: 2, maxQueued: 1)

    @Test func slotsThenQueueThenRefusal() {
        var machine = Bulkhead.StateMachine()
        do { let got = machine.enter(1, limits: limits); #expect(got == .proceed) }
        do { let got = machine.enter(2, limits: limits); #expect(got == .proceed) }
        do { let got = machine.enter(3, limits: limits); #expect(got == .wait) }
        do { let got = machine.enter(4, limits: limits); #expect(got == .reject) }
        do { let got = machine.leave(); #expect(got == 3) }
        #expect(machine.inFlight == 2)
        do { let got = machine.leave(); #expect(got == nil) }
        #expect(machine.inFlight == 1)
    }

    @Test func waitersAreServedInOrderAndMayGiveUp() {
        var machine = Bulkhead.StateMachine()
        let limits = BulkheadConfiguration(maxInFlight: 1, maxQueued: 3)
        do { let got = machine.enter(1, limits: limits); #expect(got == .proceed) }
        do { let got = machine.enter(2, limits: limits); #expect(got == .wait) }
        do { let got = machine.enter(3, limits: limits); #expect(got == .wait) }
        do { let got = machine.enter(4, limits: limits); #expect(got == .wait) }
        do { let got = machine.giveUp(3); #expect(got) }
        do { let got = machine.leave(); #expect(got == 2) }
        do { let got = machine.giveUp(2); #expect(!got) }
        do { let got = machine.leave(); #expect(got == 4) }
    }

    @Test func aFullBulkheadAnswersAtOnce() async throws {
        let clock = ManualDeadlineClock()
        let bulkhead = Bulkhead()
        let deadline = clock.now + .seconds(8)
        try await bulkhead.enter(limits: limits, deadline: deadline, clock: clock)
        try await bulkhead.enter(limits: limits, deadline: deadline, clock: clock)
        let waiter = Task { try await bulkhead.enter(limits: limits, deadline: deadline, clock: clock) }
        #expect(await eventually { bulkhead.counts.queued == 1 })
        // No time passes: the fourth is refused without waiting.
        await #expect(throws: Bulkhead.Refusal.full) {
            try await bulkhead.enter(limits: limits, deadline: deadline, clock: clock)
        }
        bulkhead.leave()
        try await waiter.value
        #expect(bulkhead.counts.inFlight == 2)
        #expect(bulkhead.counts.queued == 0)
    }

    @Test func aWaiterGivesUpAtItsDeadline() async throws {
        let clock = ManualDeadlineClock()
        let bulkhead = Bulkhead()
        let one = BulkheadConfiguration(maxInFlight: 1, maxQueued: 5)
        try await bulkhead.enter(limits: one, deadline: clock.now + .seconds(8), clock: clock)
        let waiter = Task { () -> Bulkhead.Refusal? in
            do { try await bulkhead.enter(limits: one, deadline: clock.now + .seconds(3), clock: clock) } catch {
                return error as? Bulkhead.Refusal
            }
            return nil
        }
        #expect(await eventually { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(2))
        #expect(bulkhead.counts.queued == 1)
        clock.advance(by: .seconds(1))
        #expect(await waiter.value == .timedOut)
        #expect(bulkhead.counts.queued == 0)
        bulkhead.leave()
        #expect(bulkhead.counts.inFlight == 0)
    }
}
