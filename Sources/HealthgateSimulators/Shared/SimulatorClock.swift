import Foundation
import Synchronization

/// The simulators' notion of "now": the system clock, or a time fixed or shifted by a test.
public final class SimulatorClock: Sendable {
    private let state = Mutex<(fixed: Date?, offset: TimeInterval)>((nil, 0))

    /// A clock that follows the system clock until told otherwise.
    public init() {}

    /// The current simulated time.
    public func now() -> Date {
        state.withLock { state in
            (state.fixed ?? Date()).addingTimeInterval(state.offset)
        }
    }

    /// Fixes the clock at `date` (pass `nil` to follow the system clock again) and resets any offset.
    public func set(_ date: Date?) {
        state.withLock { $0 = (date, 0) }
    }

    /// Moves the clock forward by `seconds` (backward when negative).
    public func advance(by seconds: TimeInterval) {
        state.withLock { $0.offset += seconds }
    }
}
