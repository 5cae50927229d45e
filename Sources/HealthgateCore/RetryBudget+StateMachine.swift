import HealthgateConfig

extension RetryBudget {
    /// Calls and retries per second over a sliding window of whole seconds, without locks or clocks: every call is
    /// given `now`. A retry is allowed while the window's retries stay within `percent` % of its calls, or within the
    /// floor of `minPerSecond` × `windowSeconds`.
    public struct StateMachine: Sendable, Equatable {
        struct Bucket: Sendable, Equatable {
            var second: Int64
            var calls = 0
            var retries = 0
        }

        private let origin: ContinuousClock.Instant
        private var buckets: [Bucket] = []

        /// A budget whose seconds are counted from `origin`.
        public init(origin: ContinuousClock.Instant) { self.origin = origin }

        /// One call (not a retry) is made at `now`.
        public mutating func recordCall(now: ContinuousClock.Instant, window: Int) {
            update(now: now, window: window) { $0.calls += 1 }
        }

        /// Whether a retry may be made at `now` under `budget`; when it may, it is counted.
        public mutating func allowRetry(now: ContinuousClock.Instant, budget: RetryBudgetConfiguration) -> Bool {
            let (calls, retries) = totals(now: now, window: budget.windowSeconds)
            let allowed = max(budget.minPerSecond * budget.windowSeconds, calls * budget.percent / 100)
            guard retries < allowed else { return false }
            update(now: now, window: budget.windowSeconds) { $0.retries += 1 }
            return true
        }

        /// The calls and retries within the window ending at `now`.
        public func totals(now: ContinuousClock.Instant, window: Int) -> (calls: Int, retries: Int) {
            let current = second(of: now)
            var calls = 0, retries = 0
            for bucket in buckets where bucket.second > current - Int64(window) && bucket.second <= current {
                calls += bucket.calls
                retries += bucket.retries
            }
            return (calls, retries)
        }

        private func second(of now: ContinuousClock.Instant) -> Int64 {
            (now - origin).components.seconds
        }

        private mutating func update(now: ContinuousClock.Instant, window: Int, _ change: (inout Bucket) -> Void) {
            let current = second(of: now)
            buckets.removeAll { $0.second <= current - Int64(window) }
            if let last = buckets.indices.last, buckets[last].second == current {
                change(&buckets[last])
            } else {
                var bucket = Bucket(second: current)
                change(&bucket)
                buckets.append(bucket)
            }
        }
    }
}
