import HealthgateModel
import Synchronization

/// Runs an operation in its own task and waits for it no later than a deadline: whatever the operation waits on (a
/// city, a lock of the database, a key refresh), the caller has an answer by the deadline. At the deadline the caller
/// gets `late`; the operation is cancelled, or left to finish on its own when `cancelsLate` is false (a transfer that
/// already reached the home city must still be recorded).
enum DeadlineRace {
    static func run<T: Sendable>(until deadline: ContinuousClock.Instant, clock: any DeadlineClock,
                                 late: HealthgateError, cancelsLate: Bool = true,
                                 _ operation: @escaping @Sendable () async throws(HealthgateError) -> T)
        async throws(HealthgateError) -> T {
        let race = Race<T>()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, HealthgateError>, Never>) in
                race.start(continuation)
                let work = Task {
                    do throws(HealthgateError) { race.finish(.success(try await operation())) } catch {
                        race.finish(.failure(error))
                    }
                }
                let timer = Task {
                    try? await clock.sleep(until: deadline)
                    guard !Task.isCancelled, race.finish(.failure(late)) else { return }
                    if cancelsLate { work.cancel() }
                }
                race.hold(work: work, timer: timer)
            }
        } onCancel: {
            if race.finish(.failure(HealthgateError(.issuerUnavailable, "the request was cancelled"))) {
                race.cancelWork()
            }
        }
        race.cancelTimer()
        return try result.get()
    }

    /// Who answers first, the operation or the deadline: the continuation is resumed exactly once.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result<T, HealthgateError>, Never>?
            var finished = false
            /// A result that came before the continuation (the task was cancelled before it started waiting).
            var pending: Result<T, HealthgateError>?
            var work: Task<Void, Never>?
            var timer: Task<Void, Never>?
        }

        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Result<T, HealthgateError>, Never>) {
            let pending = state.withLock { s -> Result<T, HealthgateError>? in
                if s.pending == nil { s.continuation = continuation }
                return s.pending
            }
            if let pending { continuation.resume(returning: pending) }
        }

        func hold(work: Task<Void, Never>, timer: Task<Void, Never>) {
            let finished = state.withLock { s in
                s.work = work
                s.timer = timer
                return s.finished
            }
            if finished { timer.cancel() }
        }

        /// Resumes the caller with `result` unless it was already resumed; `true` when this call did.
        @discardableResult
        func finish(_ result: Result<T, HealthgateError>) -> Bool {
            let (first, continuation) = state.withLock {
                s -> (Bool, CheckedContinuation<Result<T, HealthgateError>, Never>?) in
                guard !s.finished else { return (false, nil) }
                s.finished = true
                if s.continuation == nil { s.pending = result }
                defer { s.continuation = nil }
                return (true, s.continuation)
            }
            continuation?.resume(returning: result)
            return first
        }

        func cancelWork() { state.withLock { $0.work }?.cancel() }

        func cancelTimer() { state.withLock { $0.timer }?.cancel() }
    }
}
