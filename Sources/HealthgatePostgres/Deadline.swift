import Synchronization

/// Runs `operation`, or throws `PostgresStoreError.unavailable` once `limit` has passed.
///
/// The caller is answered at the deadline even when the operation does not heed its cancellation (a pool waiting for
/// a connection to a database that went away): the operation is cancelled and left to finish on its own, and its
/// result is dropped.
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRaceBox<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let work = Task {
                do {
                    race.finish(.success(try await operation()))
                } catch {
                    race.finish(.failure(error))
                }
            }
            let timer = Task {
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                race.finish(.failure(PostgresStoreError(.unavailable, "\(what) did not finish within \(limit)")))
            }
            race.tasks(work: work, timer: timer)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The one answer of a `withDeadline` race: the first `finish` resumes the caller and cancels the other side.
final class DeadlineRaceBox<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func tasks(work: Task<Void, Never>, timer: Task<Void, Never>) {
        let done = state.withLock { state -> Bool in
            state.work = work
            state.timer = timer
            return state.done
        }
        if done {
            work.cancel()
            timer.cancel()
        }
    }

    /// Answers the caller if nobody has (and cancels both sides' tasks); returns whether this call did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let outcome = state.withLock {
            state -> (won: Bool, continuation: CheckedContinuation<T, any Error>?, tasks: [Task<Void, Never>]) in
            guard !state.done else { return (false, nil, []) }
            state.done = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.early = result }
            return (true, continuation, [state.work, state.timer].compactMap { $0 })
        }
        guard outcome.won else { return false }
        outcome.continuation?.resume(with: result)
        for task in outcome.tasks { task.cancel() }
        return true
    }
}
