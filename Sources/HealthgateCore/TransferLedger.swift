import Foundation
import HealthgateAdapters
import HealthgateModel

/// The transfers in flight or recently answered, by request id, in memory: a repeated request id waits for (or
/// repeats) the first one's answer instead of registering again. What outlives the process is the `TransferStore`:
/// each run first looks its request id up there (`TransferService.resolve`).
///
/// Holds no ID number or name: each record carries the fingerprint (`TransferFingerprint`) of the content it answers
/// for, and every request sharing the id compares its own fingerprint with it. Only transfers that reached the home
/// city (or came from the store) are kept; one that failed before is forgotten, so that a retry runs again.
actor TransferLedger {
    /// What one run (or one store lookup) produced, for every request that shares its id.
    struct Record: Sendable {
        /// The answer body (`replayed: false`), or the error.
        var result: Result<[UInt8], HealthgateError>
        /// What the flow learned, copied into each request's own trace for its audit record.
        var fields: RequestTrace.Fields
        /// Whether the home city answered the arrival registration (the answer is then kept for repeats).
        var reachedDestination: Bool
        /// The fingerprint of the content this record answers for.
        var fingerprint: String
        /// Whether the record was read from the store (an earlier process, or an earlier run since forgotten).
        var fromStore: Bool = false
    }

    private struct Entry {
        var task: Task<Record, Never>
        var started: Date
    }

    private var entries: [UUID: Entry] = [:]
    private var order: [UUID] = []
    let retention: TimeInterval
    let capacity: Int

    init(retention: TimeInterval = 24 * 3600, capacity: Int = 10_000) {
        self.retention = retention
        self.capacity = capacity
    }

    /// The run for `id`: the one already started (`joined`), or a new one running `flow`.
    func begin(_ id: UUID, now: Date, flow: @escaping @Sendable () async -> Record)
        -> (task: Task<Record, Never>, joined: Bool) {
        purge(now: now)
        if let entry = entries[id] { return (entry.task, true) }
        let task = Task { await flow() }
        entries[id] = Entry(task: task, started: now)
        order.append(id)
        return (task, false)
    }

    /// Forgets the run of `id` when it is still `task` (a flow that never reached the home city).
    func forget(_ id: UUID, task: Task<Record, Never>) {
        guard entries[id]?.task == task else { return }
        entries[id] = nil
        order.removeAll { $0 == id }
    }

    /// Drops entries older than the retention, then the oldest beyond the capacity.
    private func purge(now: Date) {
        while let first = order.first, let entry = entries[first],
              now.timeIntervalSince(entry.started) > retention || order.count >= capacity {
            entries[first] = nil
            order.removeFirst()
        }
        order.removeAll { entries[$0] == nil }
    }
}
