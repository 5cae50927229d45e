import Foundation
import Synchronization

/// What each city did recently, for the operations page: its calls (when, how long, failed or not, why) and cache
/// lookups over the last five minutes, and its last success and failure. Names and numbers only, never a code or a
/// holder.
public final class CityActivity: Sendable {
    /// The window of the rates and percentiles.
    public static let window: TimeInterval = 300
    /// The most calls kept per city (older ones fall out even inside the window).
    public static let capacity = 10_000

    struct Call: Sendable {
        var at: Date
        var seconds: Double
        var failed: Bool
    }

    struct City: Sendable {
        var calls: [Call] = []
        var lookups: [(at: Date, hit: Bool)] = []
        var lastSuccess: Date?
        var lastFailure: Date?
        var lastFailureReason: String?
    }

    /// One city's figures over the window.
    public struct Summary: Sendable {
        public var calls: Int
        public var failures: Int
        /// `failures / calls`, 0 without calls.
        public var errorRate: Double
        /// Median and 99th percentile of call durations, in milliseconds (`nil` without calls).
        public var p50Milliseconds: Double?
        public var p99Milliseconds: Double?
        public var cacheLookups: Int
        /// Fresh cache hits / lookups (`nil` without lookups).
        public var cacheHitRatio: Double?
        public var lastSuccess: Date?
        public var lastFailure: Date?
        public var lastFailureReason: String?
    }

    private let cities = Mutex<[String: City]>([:])

    public init() {}

    /// One call to `city` that took `duration`, failed or not (with why).
    public func call(_ city: String, duration: Duration, failure: String?, at now: Date = Date()) {
        cities.withLock { all in
            var entry = all[city] ?? City()
            entry.calls.append(Call(at: now, seconds: duration.seconds, failed: failure != nil))
            if entry.calls.count > Self.capacity { entry.calls.removeFirst(entry.calls.count - Self.capacity) }
            if let failure {
                entry.lastFailure = now
                entry.lastFailureReason = failure
            } else {
                entry.lastSuccess = now
            }
            all[city] = entry
        }
    }

    /// One cache lookup for a code of `city`: a fresh hit or not.
    public func lookup(_ city: String, hit: Bool, at now: Date = Date()) {
        cities.withLock { all in
            var entry = all[city] ?? City()
            entry.lookups.append((now, hit))
            if entry.lookups.count > Self.capacity { entry.lookups.removeFirst(entry.lookups.count - Self.capacity) }
            all[city] = entry
        }
    }

    /// `city`'s figures over the five minutes before `now`.
    public func summary(_ city: String, now: Date = Date()) -> Summary {
        let entry = cities.withLock { all -> City in
            guard var entry = all[city] else { return City() }
            let cutoff = now.addingTimeInterval(-Self.window)
            entry.calls.removeAll { $0.at < cutoff }
            entry.lookups.removeAll { $0.at < cutoff }
            all[city] = entry
            return entry
        }
        let durations = entry.calls.map(\.seconds).sorted()
        func percentile(_ p: Double) -> Double? {
            guard !durations.isEmpty else { return nil }
            let rank = Int((p * Double(durations.count)).rounded(.up)) - 1
            return durations[min(max(rank, 0), durations.count - 1)] * 1000
        }
        let failures = entry.calls.filter(\.failed).count
        let hits = entry.lookups.filter(\.hit).count
        return Summary(
            calls: entry.calls.count, failures: failures,
            errorRate: entry.calls.isEmpty ? 0 : Double(failures) / Double(entry.calls.count),
            p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99), cacheLookups: entry.lookups.count,
            cacheHitRatio: entry.lookups.isEmpty ? nil : Double(hits) / Double(entry.lookups.count),
            lastSuccess: entry.lastSuccess, lastFailure: entry.lastFailure, lastFailureReason: entry.lastFailureReason)
    }
}
