import Foundation
import Synchronization

/// What each city did recently, for the operations page: its calls (how many, how many failed, how long) and cache
/// lookups over the last five minutes, and its last success and failure. Names and numbers only, never a code or a
/// holder.
///
/// On the request path: counts go to one bucket per second (300 of them, reused in a ring) and durations to a ring of
/// the last `capacity` calls, each changed in place under one lock, so recording costs the same at any rate.
public final class CityActivity: Sendable {
    /// The window of the rates and percentiles.
    public static let window: TimeInterval = 300
    /// The most call durations kept per city for the percentiles (older ones fall out even inside the window).
    public static let capacity = 4096

    /// The counts of one second.
    struct Bucket: Sendable {
        var second: Int64 = .min
        var calls = 0
        var failures = 0
        var lookups = 0
        var hits = 0
    }

    /// One city's recent activity.
    struct City: Sendable {
        var buckets = [Bucket](repeating: Bucket(), count: Int(CityActivity.window))
        /// The last calls' durations (seconds) and when they ended, as a ring.
        var durations: [(at: Date, seconds: Double)] = []
        var nextDuration = 0
        var lastSuccess: Date?
        var lastFailure: Date?
        var lastFailureReason: String?

        /// The bucket of `now`'s second, emptied first when it last held an older second.
        mutating func bucket(_ now: Date, _ change: (inout Bucket) -> Void) {
            let second = Int64(now.timeIntervalSince1970.rounded(.down))
            let index = Int(((second % Int64(buckets.count)) + Int64(buckets.count)) % Int64(buckets.count))
            if buckets[index].second != second { buckets[index] = Bucket(second: second) }
            change(&buckets[index])
        }

        mutating func addDuration(_ seconds: Double, at now: Date) {
            if durations.count < CityActivity.capacity {
                durations.append((now, seconds))
            } else {
                durations[nextDuration] = (now, seconds)
            }
            nextDuration = (nextDuration + 1) % CityActivity.capacity
        }
    }

    /// The figures of one city over the window.
    public struct Summary: Sendable {
        public var calls: Int
        public var failures: Int
        public var errorRate: Double
        public var p50Milliseconds: Double?
        public var p99Milliseconds: Double?
        public var cacheLookups: Int
        public var cacheHitRatio: Double?
        public var lastSuccess: Date?
        public var lastFailure: Date?
        public var lastFailureReason: String?
    }

    private let cities = Mutex<[String: City]>([:])

    public init() {}

    /// Records one call to `city` that took `duration`; `failure` is the machine code when it failed.
    public func call(_ city: String, duration: Duration, failure: String?, at now: Date = Date()) {
        cities.withLock { all in
            all[city, default: City()].record(duration: duration.seconds, failure: failure, at: now)
        }
    }

    /// Records one cache lookup for `city`'s codes.
    public func lookup(_ city: String, hit: Bool, at now: Date = Date()) {
        cities.withLock { all in
            all[city, default: City()].bucket(now) { bucket in
                bucket.lookups += 1
                if hit { bucket.hits += 1 }
            }
        }
    }

    /// The figures of `city` over the last `window` seconds.
    public func summary(_ city: String, now: Date = Date()) -> Summary {
        let entry = cities.withLock { $0[city] } ?? City()
        let nowSecond = Int64(now.timeIntervalSince1970.rounded(.down))
        let recent = entry.buckets.filter { $0.second > nowSecond - Int64(Self.window) && $0.second <= nowSecond }
        let calls = recent.reduce(0) { $0 + $1.calls }
        let failures = recent.reduce(0) { $0 + $1.failures }
        let lookups = recent.reduce(0) { $0 + $1.lookups }
        let hits = recent.reduce(0) { $0 + $1.hits }
        let cutoff = now.addingTimeInterval(-Self.window)
        let durations = entry.durations.filter { $0.at >= cutoff }.map(\.seconds).sorted()
        func percentile(_ p: Double) -> Double? {
            guard !durations.isEmpty else { return nil }
            let rank = Int((p * Double(durations.count)).rounded(.up)) - 1
            return durations[min(max(rank, 0), durations.count - 1)] * 1000
        }
        return Summary(
            calls: calls, failures: failures, errorRate: calls == 0 ? 0 : Double(failures) / Double(calls),
            p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99), cacheLookups: lookups,
            cacheHitRatio: lookups == 0 ? nil : Double(hits) / Double(lookups),
            lastSuccess: entry.lastSuccess, lastFailure: entry.lastFailure, lastFailureReason: entry.lastFailureReason)
    }
}

extension CityActivity.City {
    /// Counts a call in its second, keeps its duration, and notes the last success or failure.
    mutating func record(duration seconds: Double, failure: String?, at now: Date) {
        bucket(now) { bucket in
            bucket.calls += 1
            if failure != nil { bucket.failures += 1 }
        }
        addDuration(seconds, at: now)
        if let failure {
            lastFailure = now
            lastFailureReason = failure
        } else {
            lastSuccess = now
        }
    }
}
