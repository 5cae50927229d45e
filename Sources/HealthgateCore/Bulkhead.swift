import HealthgateConfig
import Synchronization

/// A city's bulkhead: at most `maxInFlight` calls to the city at once and `maxQueued` requests waiting for one, so
/// that a hanging city holds a bounded number of requests and no connection of another city. A full bulkhead turns a
/// request away at once; a waiter gives up at its deadline. The counting is `StateMachine`'s; this type parks and
/// wakes the waiters.
public final class Bulkhead: Sendable {
    /// Why no slot was given.
    public enum Refusal: Error, Sendable, Equatable {
        /// Every slot taken and the queue full.
        case full
        /// The deadline passed while waiting.
        case timedOut
        /// The waiting task was cancelled.
        case cancelled
    }

    private struct Waiter {
        var continuation: CheckedContinuation<Void, any Error>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var machine = StateMachine()
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Waits for a slot until `deadline` (on `clock`); every successful `enter` must be followed by one `leave`.
    public func enter(limits: BulkheadConfiguration, deadline: ContinuousClock.Instant, clock: any DeadlineClock)
        async throws(Refusal) {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let entry = state.withLock { s in
                        let entry = s.machine.enter(id, limits: limits)
                        if entry == .wait {
                            // The timer takes the lock before it can act, so it always finds the waiter stored.
                            let timer = Task { [self] in
                                try? await clock.sleep(until: deadline)
                                if !Task.isCancelled { giveUp(id, with: .timedOut) }
                            }
                            s.waiters[id] = Waiter(continuation: continuation, timer: timer)
                        }
                        return entry
                    }
                    switch entry {
                    case .proceed: continuation.resume()
                    case .reject: continuation.resume(throwing: Refusal.full)
                    case .wait: break
                    }
                }
            } onCancel: {
                giveUp(id, with: .cancelled)
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw .cancelled
        }
    }

    /// Gives a slot back; the oldest waiter, if any, takes it.
    public func leave() {
        let next = state.withLock { s -> Waiter? in
            guard let id = s.machine.leave() else { return nil }
            return s.waiters.removeValue(forKey: id)
        }
        next?.timer?.cancel()
        next?.continuation.resume()
    }

    /// Calls holding a slot, and requests waiting.
    public var counts: (inFlight: Int, queued: Int) {
        state.withLock { ($0.machine.inFlight, $0.machine.queue.count) }
    }

    private func giveUp(_ id: UInt64, with refusal: Refusal) {
        let waiter = state.withLock { s -> Waiter? in
            guard s.machine.giveUp(id) else { return nil }
            return s.waiters.removeValue(forKey: id)
        }
        if refusal != .timedOut { waiter?.timer?.cancel() }
        waiter?.continuation.resume(throwing: refusal)
    }
}
