import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import Logging
import Synchronization

/// Every call the gateway makes to a city, with what keeps a failing city's cost bounded: the city's circuit breaker
/// (fail fast while open, one trial at a time while half-open), its bulkhead (bounded calls in flight and queue,
/// waiting no later than the request's deadline), the per-attempt timeout and the one retry sharing what is left of
/// the request's deadline, and the city's retry budget.
///
/// Time queued in the bulkhead counts against the request's deadline only; each attempt's timeout is
/// `min(cities.*.deadlineMs, what is left of the request's deadline)` and starts when the call goes out.
public final class CityCalls: Sendable {
    let transport: any CityTransport
    let clock: any DeadlineClock
    let metrics: GatewayMetrics
    let logger: Logger
    private let guards = Mutex<[String: CityGuard]>([:])

    public init(transport: any CityTransport, clock: any DeadlineClock = SystemDeadlineClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "healthgate.calls")) {
        self.transport = transport
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// The breaker, bulkhead and retry budget of the city named `city`.
    public func cityGuard(_ city: String) -> CityGuard {
        guards.withLock { map in
            if let existing = map[city] { return existing }
            let created = CityGuard(origin: clock.now)
            map[city] = created
            return created
        }
    }

    /// Sends the request `request` builds (afresh for each attempt) to `city` and reads the answer with `parse`.
    ///
    /// Throws `issuer-unavailable` without calling when the breaker is open or the bulkhead full (with
    /// `Retry-After`), or when the deadline passes while waiting; errors of `parse` are the city's answer (only
    /// `issuer-unavailable` counts as a failure for the breaker).
    func call<T>(_ city: CityConfiguration, config: GatewayConfiguration, deadline: ContinuousClock.Instant,
                 trace: RequestTrace?, request: () -> NativeRequest,
                 parse: (NativeResponse) throws(HealthgateError) -> T) async throws(HealthgateError) -> T {
        let cityGuard = cityGuard(city.name)
        let admission = cityGuard.breaker.admit(now: clock.now)
        metrics.breaker(city: city.name, state: cityGuard.breaker.gauge)
        guard admission != .failFast else {
            metrics.refused(city: city.name, reason: "breaker-open")
            let wait = cityGuard.breaker.openUntil.map { max(1, Int(($0 - clock.now).seconds.rounded(.up))) } ?? 1
            throw .unavailable("\(city.name) is failing; its circuit breaker is open", retryAfterSeconds: wait)
        }
        do {
            try await cityGuard.bulkhead.enter(limits: config.bulkhead, deadline: deadline, clock: clock)
        } catch {
            cityGuard.breaker.abandoned(admission)
            switch error {
            case .full:
                metrics.refused(city: city.name, reason: "bulkhead-full")
                throw .unavailable("too many requests are waiting for \(city.name)", retryAfterSeconds: 1)
            case .timedOut:
                metrics.refused(city: city.name, reason: "queue-deadline")
                throw .unavailable("the request deadline passed while waiting for a call to \(city.name)")
            case .cancelled:
                throw HealthgateError(.issuerUnavailable, "the request was cancelled")
            }
        }
        defer { cityGuard.bulkhead.leave() }
        cityGuard.retryBudget.recordCall(now: clock.now, budget: config.retryBudget)

        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                cityGuard.breaker.abandoned(admission)
                throw .unavailable("the request deadline passed before \(city.name) answered")
            }
            trace?.update { $0.upstreamAttempts += 1 }
            let started = clock.now
            let outcome: Result<T, HealthgateError>
            do throws(HealthgateError) {
                let response = try await transport.send(request(), to: city, timeout: min(city.deadline, remaining))
                outcome = Result { () throws(HealthgateError) -> T in try parse(response) }
            } catch {
                outcome = .failure(error)
            }
            metrics.upstream(city: city.name, duration: clock.now - started, outcome: outcome.outcomeWord)
            guard case .failure(let error) = outcome, error.code == .issuerUnavailable else {
                settle(cityGuard, admission, failed: false, city: city, config: config)
                return try outcome.get()
            }
            if Task.isCancelled {
                cityGuard.breaker.abandoned(admission)
                throw error
            }
            guard admission == .call, let retryAt = IssuerRetry.retryAt(after: error, attempt: attempt, now: clock.now,
                                                                        deadline: deadline)
            else {
                settle(cityGuard, admission, failed: true, city: city, config: config)
                throw error
            }
            guard cityGuard.retryBudget.allowRetry(now: clock.now, budget: config.retryBudget) else {
                metrics.retryRefused(city: city.name)
                settle(cityGuard, admission, failed: true, city: city, config: config)
                throw error
            }
            metrics.retried(city: city.name)
            do { try await clock.sleep(until: retryAt) } catch {
                cityGuard.breaker.abandoned(admission)
                throw HealthgateError(.issuerUnavailable, "the request was cancelled")
            }
        }
    }

    /// The breaker's verdict on one call; a change of state is logged and published.
    private func settle(_ cityGuard: CityGuard, _ admission: CircuitBreaker.StateMachine.Admission, failed: Bool,
                        city: CityConfiguration, config: GatewayConfiguration) {
        let transition = failed
            ? cityGuard.breaker.failed(admission, now: clock.now, threshold: config.breaker.failures,
                                       openFor: config.breaker.openFor)
            : cityGuard.breaker.succeeded(admission)
        switch transition {
        case .opened: logger.warning("circuit breaker opened", metadata: ["city": "\(city.name)"])
        case .closed: logger.info("circuit breaker closed", metadata: ["city": "\(city.name)"])
        case nil: break
        }
        metrics.breaker(city: city.name, state: cityGuard.breaker.gauge)
    }
}

extension Result where Failure == HealthgateError {
    /// `ok`, or the error's machine code, for metrics.
    var outcomeWord: String {
        switch self {
        case .success: "ok"
        case .failure(let error): error.code.rawValue
        }
    }
}
