import HealthgateConfig

extension Bulkhead {
    /// The bulkhead's counts and queue, without locks or continuations: which waiter gets a freed slot, who is
    /// turned away. Waiters are served first come, first served.
    public struct StateMachine: Sendable, Equatable {
        /// What `enter` decided.
        public enum Entry: Sendable, Equatable {
            /// A slot was free: call now.
            case proceed
            /// Every slot is taken: wait in the queue for one.
            case wait
            /// Every slot is taken and the queue is full: fail at once.
            case reject
        }

        /// Calls holding a slot.
        public private(set) var inFlight = 0
        /// Waiters, oldest first.
        public private(set) var queue: [UInt64] = []
        /// The slot limit last asked for (limits follow configuration reloads).
        private var maxInFlight = 1

        public init() {}

        /// A caller `id` asks for a slot under `limits`.
        public mutating func enter(_ id: UInt64, limits: BulkheadConfiguration) -> Entry {
            maxInFlight = max(1, limits.maxInFlight)
            if inFlight < maxInFlight, queue.isEmpty {
                inFlight += 1
                return .proceed
            }
            guard queue.count < limits.maxQueued else { return .reject }
            queue.append(id)
            return .wait
        }

        /// A call gave its slot back; returns the waiter that takes it over, if any.
        public mutating func leave() -> UInt64? {
            inFlight -= 1
            guard inFlight < maxInFlight, !queue.isEmpty else { return nil }
            inFlight += 1
            return queue.removeFirst()
        }

        /// Waiter `id` gives up (its deadline passed, its task was cancelled); `false` when it already got a slot.
        public mutating func giveUp(_ id: UInt64) -> Bool {
            guard let index = queue.firstIndex(of: id) else { return false }
            queue.remove(at: index)
            return true
        }
    }
}
