import HealthgateAdapters
import HealthgateConfig
@testable import HealthgateCore
import HealthgateModel
import Synchronization
import Testing

/// Calls to a fake city on the manual clock: the retry rule and budget, the breaker's fail-fast and its one trial,
/// the bulkhead, and deadlines shared between attempts. Time only moves when a test advances it.
@Suite struct CityCallsTests {
    let clock = ManualDeadlineClock()

    func call(_ calls: CityCalls, _ config: GatewayConfiguration, deadline: Duration = .seconds(8),
              trace: RequestTrace? = nil) async throws(HealthgateError) -> Int {
        try await calls.call(config.cities[0], config: config, deadline: clock.now + deadline, trace: trace) {
            NativeRequest(method: "POST", path: "/verify", headers: [])
        } parse: { (response) throws(HealthgateError) -> Int in try FakeTransport.parse(response) }
    }

    func outcome(_ calls: CityCalls, _ config: GatewayConfiguration, deadline: Duration = .seconds(8),
                 trace: RequestTrace? = nil) async -> Result<Int, HealthgateError> {
        do throws(HealthgateError) { return .success(try await call(calls, config, deadline: deadline, trace: trace)) } catch {
            return .failure(error)
        }
    }

    @Test func aTransientFailureIsRetriedOnceAfter200ms() async throws {
        let transport = FakeTransport(clock: clock) { $0 == 1 ? .answer(503) : .answer(200) }
        let calls = CityCalls(transport: transport, clock: clock)
        let trace = RequestTrace()
        let task = Task { await outcome(calls, CoreFixtures.configuration(), trace: trace) }
        #expect(await eventually { clock.sleeperCount == 1 })
        #expect(transport.callCount == 1)
        clock.advance(by: .milliseconds(199))
        #expect(transport.callCount == 1)
        clock.advance(by: .milliseconds(1))
        #expect(try await task.value.get() == 200)
        #expect(transport.callCount == 2)
        #expect(trace.snapshot.upstreamAttempts == 2)
    }

    @Test func aPermanentErrorIsNotRetried() async {
        let transport = FakeTransport(clock: clock) { _ in .answer(400) }
        let calls = CityCalls(transport: transport, clock: clock)
        let result = await outcome(calls, CoreFixtures.configuration())
        #expect(result.errorCode == .issuerError)
        #expect(transport.callCount == 1)
        #expect(calls.cityGuard("hangzhou").breaker.state == .closed(consecutiveFailures: 0))
    }

    @Test func theAttemptAndItsRetryShareTheRequestDeadline() async {
        let transport = FakeTransport(clock: clock) { _ in .hang }
        let calls = CityCalls(transport: transport, clock: clock)
        let start = clock.now
        let task = Task { await outcome(calls, CoreFixtures.configuration()) }
        #expect(await eventually { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(5))  // the first attempt's own timeout (cities.*.deadlineMs)
        #expect(await eventually { clock.sleeperCount == 1 && transport.callCount == 1 })
        clock.advance(by: .milliseconds(200))  // the wait before the retry
        #expect(await eventually { transport.callCount == 2 && clock.sleeperCount == 1 })
        clock.advance(by: .milliseconds(2_800))
        #expect(await task.value.errorCode == .issuerUnavailable)
        #expect(transport.timeouts == [.seconds(5), .milliseconds(2_800)])
        #expect(clock.now - start == .seconds(8))
    }

    @Test func noRetryWithoutTimeLeftForIt() async {
        let transport = FakeTransport(clock: clock) { _ in .hang }
        let calls = CityCalls(transport: transport, clock: clock)
        let task = Task { await outcome(calls, CoreFixtures.configuration(), deadline: .milliseconds(5_300)) }
        #expect(await eventually { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(5))
        #expect(await task.value.errorCode == .issuerUnavailable)
        #expect(transport.callCount == 1)
    }

    @Test func theRetryBudgetCapsRetries() async {
        let transport = FakeTransport(clock: clock) { _ in .answer(503) }
        let calls = CityCalls(transport: transport, clock: clock)
        // One retry a second is the floor; the share of so few calls is less than one.
        let config = CoreFixtures.configuration(
            breakerFailures: 100, retryBudget: RetryBudgetConfiguration(percent: 20, minPerSecond: 1, windowSeconds: 1))
        let first = Task { await outcome(calls, config) }
        #expect(await eventually { clock.sleeperCount == 1 })
        clock.advance(by: .milliseconds(200))
        #expect(await first.value.errorCode == .issuerUnavailable)
        #expect(transport.callCount == 2)  // retried
        #expect(await outcome(calls, config).errorCode == .issuerUnavailable)
        #expect(transport.callCount == 3)  // refused by the budget: no retry, no wait
    }

    @Test func theBreakerOpensAndFailsFastWithRetryAfter() async {
        let transport = FakeTransport(clock: clock) { _ in .answer(503) }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(retryBudget: RetryBudgetConfiguration(percent: 0, minPerSecond: 0))
        for _ in 0..<3 { #expect(await outcome(calls, config).errorCode == .issuerUnavailable) }
        #expect(transport.callCount == 3)
        #expect(calls.cityGuard("hangzhou").breaker.gauge == 1)
        clock.advance(by: .seconds(10))
        let refused = await outcome(calls, config)
        #expect(refused.errorCode == .issuerUnavailable)
        #expect(refused.error?.retryAfterSeconds == 20)
        #expect(transport.callCount == 3)
    }

    @Test func halfOpenLetsOneTrialThroughAtATime() async {
        let transport = FakeTransport(clock: clock) { $0 <= 3 ? .answer(503) : .hang }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(retryBudget: RetryBudgetConfiguration(percent: 0, minPerSecond: 0))
        for _ in 0..<3 { _ = await outcome(calls, config) }
        clock.advance(by: .seconds(30))
        let finished = Locked(0)
        let tasks = (0..<20).map { _ in
            Task {
                let result = await outcome(calls, config)
                finished.withLock { $0 += 1 }
                return result
            }
        }
        #expect(await eventually { finished.withLock { $0 } == 19 && transport.callCount == 4 })
        #expect(calls.cityGuard("hangzhou").breaker.gauge == 2)
        clock.advance(by: .seconds(5))  // the trial times out: open again
        var results: [Result<Int, HealthgateError>] = []
        for task in tasks { results.append(await task.value) }
        #expect(results.allSatisfy { $0.errorCode == .issuerUnavailable })
        #expect(transport.callCount == 4)
        #expect(calls.cityGuard("hangzhou").breaker.state == .open(until: clock.now + .seconds(30)))
    }

    @Test func aSuccessfulTrialClosesTheBreaker() async throws {
        let transport = FakeTransport(clock: clock) { $0 <= 3 ? .answer(503) : .answer(200) }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(retryBudget: RetryBudgetConfiguration(percent: 0, minPerSecond: 0))
        for _ in 0..<3 { _ = await outcome(calls, config) }
        clock.advance(by: .seconds(30))
        #expect(try await outcome(calls, config).get() == 200)
        #expect(calls.cityGuard("hangzhou").breaker.gauge == 0)
        #expect(try await outcome(calls, config).get() == 200)
    }

    @Test func aFullBulkheadAnswersAtOnceAndLeavesTheBreakerAlone() async {
        let transport = FakeTransport(clock: clock) { _ in .hang }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(bulkhead: BulkheadConfiguration(maxInFlight: 1, maxQueued: 0))
        let hanging = Task { await outcome(calls, config) }
        #expect(await eventually { transport.callCount == 1 })
        for _ in 0..<10 {
            let refused = await outcome(calls, config)  // no time passes
            #expect(refused.errorCode == .issuerUnavailable)
            #expect(refused.error?.retryAfterSeconds == 1)
        }
        #expect(transport.callCount == 1)
        #expect(calls.cityGuard("hangzhou").breaker.state == .closed(consecutiveFailures: 0))
        hanging.cancel()
        _ = await hanging.value
        #expect(calls.cityGuard("hangzhou").bulkhead.counts.inFlight == 0)
    }

    @Test func timeQueuedCountsAgainstTheRequestDeadlineNotTheAttempt() async throws {
        let transport = FakeTransport(clock: clock) { $0 == 1 ? .slow(200, after: .seconds(2)) : .answer(200) }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(bulkhead: BulkheadConfiguration(maxInFlight: 1, maxQueued: 4))
        let first = Task { await outcome(calls, config, deadline: .seconds(6)) }
        #expect(await eventually { transport.callCount == 1 })
        let second = Task { await outcome(calls, config, deadline: .seconds(6)) }
        #expect(await eventually { calls.cityGuard("hangzhou").bulkhead.counts.queued == 1 })
        clock.advance(by: .seconds(2))
        #expect(try await first.value.get() == 200)
        #expect(try await second.value.get() == 200)
        // The second waited 2 s for its slot: its attempt got the 4 s left, the first its whole 5 s.
        #expect(transport.timeouts == [.seconds(5), .seconds(4)])
    }

    @Test func everyAnswerLeavesByTheDeadlineUnderAHangingCity() async {
        let transport = FakeTransport(clock: clock) { _ in .hang }
        let calls = CityCalls(transport: transport, clock: clock)
        let config = CoreFixtures.configuration(breakerFailures: 5)
        let start = clock.now
        let finishedAt = Locked<[ContinuousClock.Instant]>([])
        let tasks = (0..<200).map { _ in
            Task {
                let result = await outcome(calls, config)
                finishedAt.withLock { $0.append(clock.now) }
                return result
            }
        }
        // 8 in flight, 24 queued: the other 168 are answered before any time passes.
        #expect(await eventually { finishedAt.withLock { $0.count } == 168 })
        #expect(finishedAt.withLock { $0.allSatisfy { $0 == start } })
        for _ in 0..<80 {
            clock.advance(by: .milliseconds(100))
            try? await Task.sleep(for: .milliseconds(2))  // lets the woken tasks run; the clock alone ages them
        }
        for task in tasks { #expect(await task.value.errorCode == .issuerUnavailable) }
        #expect(finishedAt.withLock { $0.allSatisfy { $0 <= start + .seconds(8) } })
        #expect(transport.timeouts.allSatisfy { $0 <= .seconds(5) })
    }
}

extension Result where Failure == HealthgateError {
    var error: HealthgateError? {
        if case .failure(let error) = self { return error }
        return nil
    }

    var errorCode: HealthgateError.Code? { error?.code }
}
