extension CircuitBreaker {
    /// The breaker's states and transitions, without locks or clocks: every call is given `now`.
    ///
    /// closed → open after `threshold` consecutive failures → half-open once `openFor` has passed, where exactly one
    /// call at a time is admitted as the trial and every other fails fast → closed when the trial succeeds, open
    /// again (for another `openFor`) when it fails. A trial that ends without a verdict (cancelled, no slot, no time
    /// left) hands the trial to the next caller.
    public struct StateMachine: Sendable, Equatable {
        /// Where the breaker is.
        public enum State: Sendable, Equatable {
            case closed(consecutiveFailures: Int)
            case open(until: ContinuousClock.Instant)
            case halfOpen(trialInFlight: Bool)
        }

        /// What a caller may do.
        public enum Admission: Sendable, Equatable {
            /// The breaker is closed: call.
            case call
            /// The breaker is half-open and this caller is its one trial.
            case trial
            /// The breaker is open, or half-open with a trial in flight: fail without calling.
            case failFast
        }

        /// A change worth logging and publishing.
        public enum Transition: Sendable, Equatable {
            case opened
            case closed
        }

        public private(set) var state: State = .closed(consecutiveFailures: 0)

        public init() {}

        /// The gauge value of the state: 0 closed, 1 open, 2 half-open.
        public var gauge: Int {
            switch state {
            case .closed: 0
            case .open: 1
            case .halfOpen: 2
            }
        }

        /// Whether a call may go out at `now`; the first caller past the open period becomes the trial.
        public mutating func admit(now: ContinuousClock.Instant) -> Admission {
            switch state {
            case .closed:
                return .call
            case .open(let until):
                guard now >= until else { return .failFast }
                state = .halfOpen(trialInFlight: true)
                return .trial
            case .halfOpen(let trialInFlight):
                guard !trialInFlight else { return .failFast }
                state = .halfOpen(trialInFlight: true)
                return .trial
            }
        }

        /// The city answered (any answer, even an error it decided): the breaker closes.
        public mutating func succeeded(_ admission: Admission) -> Transition? {
            guard admission != .failFast else { return nil }
            if case .closed = state {
                state = .closed(consecutiveFailures: 0)
                return nil
            }
            // A call admitted while closed that answers after the breaker opened is as good a proof as a trial.
            state = .closed(consecutiveFailures: 0)
            return .closed
        }

        /// The city could not be reached or did not answer in time.
        public mutating func failed(_ admission: Admission, now: ContinuousClock.Instant, threshold: Int,
                                    openFor: Duration) -> Transition? {
            switch (admission, state) {
            case (.failFast, _):
                return nil
            case (.trial, .halfOpen):
                state = .open(until: now + openFor)
                return .opened
            case (_, .closed(let failures)):
                if failures + 1 >= threshold {
                    state = .open(until: now + openFor)
                    return .opened
                }
                state = .closed(consecutiveFailures: failures + 1)
                return nil
            case (_, .open), (_, .halfOpen):
                // A late failure of a call admitted before the breaker opened: the open period already runs, and
                // only the trial decides a half-open breaker.
                return nil
            }
        }

        /// The admitted call was not made or ended without a verdict: a trial passes to the next caller.
        public mutating func abandoned(_ admission: Admission) {
            if admission == .trial, case .halfOpen = state { state = .halfOpen(trialInFlight: false) }
        }

        /// When an open breaker admits its trial, for `Retry-After`.
        public var openUntil: ContinuousClock.Instant? {
            if case .open(let until) = state { return until }
            return nil
        }
    }
}
