import Foundation
import HealthgateConfig
import Testing

/// `bulkhead:`, `retryBudget:` and `listen.bodyTimeoutMs`: defaults, values read, and values refused with their paths.
@Suite("resilience configuration")
struct ResilienceConfigTests {
    typealias Fixture = ConfigLoaderTests.Fixture

    /// One fixture (a development PKI) for every check.
    @Test("defaults, values read, values refused")
    func resilience() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try defaults(fixture)
        try read(fixture)
        try refused(fixture)
    }

    /// Without the keys, the defaults of the benchmark apply.
    func defaults(_ fixture: Fixture) throws {
        try fixture.write(Fixture.valid)
        let config = try ConfigLoader().load(path: fixture.path)
        #expect(config.bulkhead == BulkheadConfiguration(maxInFlight: 32, maxQueued: 256))
        #expect(config.retryBudget == RetryBudgetConfiguration(percent: 20, minPerSecond: 3, windowSeconds: 10))
        #expect(config.listen.bodyTimeout == .seconds(5))
    }

    /// The keys are read.
    func read(_ fixture: Fixture) throws {
        try fixture.write(Fixture.valid.replacingOccurrences(of: "  clientCAs:", with: "  bodyTimeoutMs: 2500\n  clientCAs:")
            + "\nbulkhead: {maxInFlight: 4, maxQueued: 0}\nretryBudget: {percent: 10, minPerSecond: 1, windowSeconds: 30}\n")
        let config = try ConfigLoader().load(path: fixture.path)
        #expect(config.bulkhead == BulkheadConfiguration(maxInFlight: 4, maxQueued: 0))
        #expect(config.retryBudget == RetryBudgetConfiguration(percent: 10, minPerSecond: 1, windowSeconds: 30))
        #expect(config.listen.bodyTimeout == .milliseconds(2500))
    }

    /// Values that cannot work are refused with their paths; unknown keys too.
    func refused(_ fixture: Fixture) throws {
        try fixture.write(Fixture.valid.replacingOccurrences(of: "  clientCAs:", with: "  bodyTimeoutMs: 20000\n  clientCAs:")
            + "\nbulkhead: {maxInFlight: 0, maxQueued: -1}\nretryBudget: {percent: 120, minPerSecond: -1, windowSeconds: 0}\n")
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid file loaded")
        } catch {
            let paths = Set(error.issues.map(\.path))
            #expect(paths.isSuperset(of: ["bulkhead.maxInFlight", "bulkhead.maxQueued", "retryBudget.percent",
                                          "retryBudget.minPerSecond", "retryBudget.windowSeconds",
                                          "listen.bodyTimeoutMs"]))
        }
        try fixture.write(Fixture.valid + "\nbulkhead: {maxInFlight: 4, maxQueue: 2}\n")
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an unknown key loaded")
        } catch {
            #expect(error.issues.contains { $0.path == "bulkhead.maxQueue" })
        }
    }
}
