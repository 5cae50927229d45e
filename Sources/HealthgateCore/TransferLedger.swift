import Foundation
import HealthgateAdapters
import HealthgateModel

/// The transfers of the last `retention`, by request id, in memory: a repeated request id waits for (or repeats) the
/// first one's answer instead of registering again, and a request id reused for another transfer is refused.
///
/// Holds no ID number or name: each entry keeps a salted SHA-256 of the request's content (salt random per process)
/// and the flow's answer. Only transfers that reached the home city are kept; one that failed before (identity
/// mismatch, refused status, an unreachable issuer) is forgotten, so that a retry with the same id runs again.
actor TransferLedger {
    /// What one run of the transfer flow produced, for every request that shares its id.
    struct Record: Sendable {
        var result: Result<TransferOutcome, HealthgateError>
        /// What the flow learned, copied into each request's own trace for its audit record.
        var fields: RequestTrace.Fields
        /// Whether the home city answered the arrival registration (the answer is then kept for repeats).
        var reachedDestination: Bool
    }

    private struct Entry {
        var fingerprint: String
        var task: Task<Record, Never>
        var started: Date
    }

    private var entries: [UUID: Entry] = [:]
    private var order: [UUID] = []
    private let salt = UUID().uuidString + UUID().uuidString
    let retention: TimeInterval
    let capacity: Int

    init(retention: TimeInterval = 24 * 3600, capacity: Int = 10_000) {
        self.retention = retention
        self.capacity = capacity
    }

    /// The salted digest of what a request asks for; equal for a faithful repeat.
    nonisolated func fingerprint(of request: TransferRequest) -> String {
        TransferDigest.compute(id: request.idNumber, holderPart: salt + "|" + request.name + "|" + request.qr)
    }

    /// The run for `request`: the one already started under its id (`replayed`), or a new one running `flow`.
    /// Throws `bad-request` when the id is known with another content.
    func begin(_ request: TransferRequest, now: Date, flow: @escaping @Sendable () async -> Record)
        throws(HealthgateError) -> (task: Task<Record, Never>, replayed: Bool) {
        purge(now: now)
        let fingerprint = fingerprint(of: request)
        if let entry = entries[request.requestID] {
            guard ConstantTime.hexDigestsEqual(entry.fingerprint, fingerprint) else {
                throw .badRequest("this requestId was already used for a different transfer")
            }
            return (entry.task, true)
        }
        let task = Task { await flow() }
        entries[request.requestID] = Entry(fingerprint: fingerprint, task: task, started: now)
        order.append(request.requestID)
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
