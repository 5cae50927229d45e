import Foundation
@testable import HealthgateCore
import HealthgateModel
import Testing

/// The in-memory ledger of transfers by request id: a repeat joins the first run, a forgotten run runs again, and
/// old or excess entries make room — aged by the dates given, never by waiting.
@Suite struct TransferLedgerTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(_ fingerprint: String, reached: Bool = true) -> TransferLedger.Record {
        TransferLedger.Record(result: .success(Array(fingerprint.utf8)), fields: RequestTrace.Fields(),
                              reachedDestination: reached, fingerprint: fingerprint)
    }

    @Test func aRepeatJoinsTheFirstRun() async {
        let ledger = TransferLedger()
        let id = UUID()
        let runs = Locked(0)
        let first = await ledger.begin(id, now: start) {
            runs.withLock { $0 += 1 }
            return Self.record("a")
        }
        let second = await ledger.begin(id, now: start) {
            runs.withLock { $0 += 1 }
            return Self.record("b")
        }
        #expect(!first.joined)
        #expect(second.joined)
        #expect(await second.task.value.fingerprint == "a")
        #expect(runs.withLock { $0 } == 1)
    }

    @Test func aForgottenRunRunsAgain() async {
        let ledger = TransferLedger()
        let id = UUID()
        let first = await ledger.begin(id, now: start) { Self.record("a", reached: false) }
        _ = await first.task.value
        await ledger.forget(id, task: first.task)
        let again = await ledger.begin(id, now: start) { Self.record("b") }
        #expect(!again.joined)
        #expect(await again.task.value.fingerprint == "b")
    }

    @Test func entriesPastTheRetentionOrCapacityMakeRoom() async {
        let ledger = TransferLedger(retention: 60, capacity: 2)
        let old = UUID()
        _ = await ledger.begin(old, now: start) { Self.record("old") }
        // Past the retention: the old entry is dropped, so its id runs again.
        let later = start.addingTimeInterval(61)
        #expect(await !ledger.begin(old, now: later) { Self.record("new") }.joined)
        let a = UUID(), b = UUID()
        _ = await ledger.begin(a, now: later) { Self.record("a") }
        _ = await ledger.begin(b, now: later) { Self.record("b") }
        // Beyond the capacity the oldest made room.
        #expect(await !ledger.begin(old, now: later) { Self.record("again") }.joined)
    }
}
