import Foundation
import HealthgateModel
import Synchronization

/// The system's time plus an offset a test moves forward, given to the gateway of a `FederationHarness`: a cached
/// answer ages when the test says so, not by waiting.
final class AdjustableWallClock: WallClock {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Moves the gateway's time forward by `seconds`.
    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
