import HealthgateCore
import Testing

/// The breaker's states with a manual clock: instants are given, never waited for.
@Suite struct CircuitBreakerTests {
    typealias Machine = CircuitBreaker.StateMachine
    let start = ContinuousClock.now

    @Test func opensAfterThresholdConsecutiveFailuresOnly() {
        var machine = Machine()
        do { let got = failOnce(&machine); #expect(got == nil) }
        do {  // a success resets the count
            let admission = machine.admit(now: start)
            let got = machine.succeeded(admission)
            #expect(got == nil)
        }
        do { let got = failOnce(&machine); #expect(got == nil) }
        do { let got = failOnce(&machine); #expect(got == nil) }
        #expect(machine.gauge == 0)
        do { let got = failOnce(&machine); #expect(got == .opened) }
        #expect(machine.state == .open(until: start + .seconds(30)))
        #expect(machine.gauge == 1)
    }

    @Test func openFailsFastUntilItsTimeThenAdmitsExactlyOneTrial() {
        var machine = openMachine()
        do { let got = machine.admit(now: start + .seconds(29)); #expect(got == .failFast) }
        do { let got = machine.admit(now: start + .seconds(30)); #expect(got == .trial) }
        #expect(machine.gauge == 2)
        for _ in 0..<50 { let got = machine.admit(now: start + .seconds(31)); #expect(got == .failFast) }
    }

    @Test func successfulTrialCloses() {
        var machine = openMachine()
        let trial = machine.admit(now: start + .seconds(30))
        do { let got = machine.succeeded(trial); #expect(got == .closed) }
        #expect(machine.state == .closed(consecutiveFailures: 0))
        do { let got = machine.admit(now: start + .seconds(30)); #expect(got == .call) }
    }

    @Test func failedTrialOpensAgainForAnotherPeriod() {
        var machine = openMachine()
        let later = start + .seconds(40)
        let trial = machine.admit(now: later)
        do { let got = machine.failed(trial, now: later, threshold: 3, openFor: .seconds(30)); #expect(got == .opened) }
        #expect(machine.state == .open(until: later + .seconds(30)))
        do { let got = machine.admit(now: later + .seconds(29)); #expect(got == .failFast) }
    }

    @Test func abandonedTrialPassesToTheNextCaller() {
        var machine = openMachine()
        let trial = machine.admit(now: start + .seconds(30))
        do { let got = machine.admit(now: start + .seconds(30)); #expect(got == .failFast) }
        machine.abandoned(trial)
        do { let got = machine.admit(now: start + .seconds(30)); #expect(got == .trial) }
    }

    @Test func lateFailureOfAnEarlierCallNeitherExtendsNorDecides() {
        var machine = openMachine()
        do { let got = machine.failed(.call, now: start + .seconds(10), threshold: 3, openFor: .seconds(30)); #expect(got == nil) }
        #expect(machine.state == .open(until: start + .seconds(30)))
        _ = machine.admit(now: start + .seconds(30))
        do { let got = machine.failed(.call, now: start + .seconds(31), threshold: 3, openFor: .seconds(30)); #expect(got == nil) }
        #expect(machine.state == .halfOpen(trialInFlight: true))
    }

    @Test func concurrentCallersInHalfOpenGetOneTrial() async {
        let breaker = CircuitBreaker()
        for _ in 0..<3 {
            let admission = breaker.admit(now: start)
            breaker.failed(admission, now: start, threshold: 3, openFor: .seconds(30))
        }
        let admissions = await withTaskGroup(of: Machine.Admission.self) { group in
            for _ in 0..<200 { group.addTask { breaker.admit(now: start + .seconds(30)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(admissions.filter { $0 == .trial }.count == 1)
        #expect(admissions.filter { $0 == .failFast }.count == 199)
    }

    private func failOnce(_ machine: inout Machine) -> Machine.Transition? {
        let admission = machine.admit(now: start)
        return machine.failed(admission, now: start, threshold: 3, openFor: .seconds(30))
    }

    private func openMachine() -> Machine {
        var machine = Machine()
        for _ in 0..<3 { _ = failOnce(&machine) }
        return machine
    }
}
