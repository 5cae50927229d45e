@testable import HealthgateCore
import HealthgateModel
import Synchronization
import Testing

/// The request deadline holds whatever the flow waits on.
@Suite struct DeadlineRaceTests {
    let clock = ManualDeadlineClock()

    @Test func theCallerIsAnsweredAtTheDeadlineAndTheWorkCancelled() async {
        let cancelled = Locked(false)
        let deadline = clock.now + .seconds(8)
        let clock = self.clock
        let task = Task { () -> HealthgateError? in
            do throws(HealthgateError) {
                _ = try await DeadlineRace.run(until: deadline, clock: clock, late: .unavailable("late")) {
                    () throws(HealthgateError) -> Int in
                    do { try await clock.sleep(until: deadline + .seconds(60)) } catch {
                        cancelled.withLock { $0 = true }
                    }
                    return 1
                }
                return nil
            } catch {
                return error
            }
        }
        #expect(await eventually { clock.sleeperCount == 2 })
        clock.advance(by: .seconds(8))
        #expect(await task.value?.detail == "late")
        #expect(await eventually { cancelled.withLock { $0 } })
    }

    @Test func anAnswerBeforeTheDeadlineIsReturned() async throws {
        let value = try await DeadlineRace.run(until: clock.now + .seconds(1), clock: clock, late: .unavailable("late")) {
            () throws(HealthgateError) -> Int in 42
        }
        #expect(value == 42)
        #expect(await eventually { clock.sleeperCount == 0 })
    }

    @Test func workThatMayNotBeCancelledFinishesOnItsOwn() async {
        let finished = Locked(false)
        let deadline = clock.now + .seconds(8)
        let clock = self.clock
        let task = Task { () -> HealthgateError? in
            do throws(HealthgateError) {
                _ = try await DeadlineRace.run(until: deadline, clock: clock, late: .unavailable("late"),
                                               cancelsLate: false) { () throws(HealthgateError) -> Int in
                    try? await clock.sleep(until: deadline + .seconds(2))
                    finished.withLock { $0 = !Task.isCancelled }
                    return 1
                }
                return nil
            } catch {
                return error
            }
        }
        #expect(await eventually { clock.sleeperCount == 2 })
        clock.advance(by: .seconds(8))
        #expect(await task.value?.detail == "late")
        clock.advance(by: .seconds(2))
        #expect(await eventually { finished.withLock { $0 } })
    }
}
