import Foundation
import HealthgateCore
import Testing

/// The operations page's figures per city: five minutes of calls and lookups, percentiles, last success and failure.
@Suite struct CityActivityTests {
    @Test("calls, failures, error rate, p50/p99 and the cache hit ratio over the last five minutes")
    func summary() {
        let activity = CityActivity()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        // An old call, outside the window, counts for nothing but "last failure".
        activity.call("hangzhou", duration: .milliseconds(900), failure: "hangzhou did not answer in time",
                      at: now.addingTimeInterval(-400))
        for ms in 1...100 { activity.call("hangzhou", duration: .milliseconds(ms), failure: nil, at: now.addingTimeInterval(-10)) }
        activity.call("hangzhou", duration: .milliseconds(2000), failure: "HTTP 503", at: now.addingTimeInterval(-5))
        activity.lookup("hangzhou", hit: true, at: now.addingTimeInterval(-3))
        activity.lookup("hangzhou", hit: false, at: now.addingTimeInterval(-2))
        activity.lookup("hangzhou", hit: true, at: now.addingTimeInterval(-1))
        activity.lookup("hangzhou", hit: true, at: now.addingTimeInterval(-1))

        let summary = activity.summary("hangzhou", now: now)
        #expect(summary.calls == 101)
        #expect(summary.failures == 1)
        #expect(abs(summary.errorRate - 1.0 / 101.0) < 1e-9)
        #expect(summary.p50Milliseconds.map { abs($0 - 51) < 0.001 } == true)
        #expect(summary.p99Milliseconds.map { abs($0 - 100) < 0.001 } == true)
        #expect(summary.cacheLookups == 4)
        #expect(summary.cacheHitRatio == 0.75)
        #expect(summary.lastFailureReason == "HTTP 503")
        #expect(summary.lastSuccess == now.addingTimeInterval(-10))

        let quiet = activity.summary("beijing", now: now)
        #expect(quiet.calls == 0 && quiet.errorRate == 0 && quiet.p50Milliseconds == nil && quiet.cacheHitRatio == nil)
    }
}
