import Metrics
import Synchronization

/// The metric handles already made, by label and dimensions: making one asks the metrics factory (Prometheus: a
/// locked registry lookup with label validation), which is too slow for every request.
final class MetricHandles: Sendable {
    /// A metric's label and its dimensions' values, in order.
    struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[Key: Timer]>([:])

    /// The counter `label` with `dimensions`, made once.
    func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = Key(label: label, dimensions: dimensions.map(\.1))
        if let known = counters.withLock({ $0[key] }) { return known }
        let made = Counter(label: label, dimensions: dimensions)
        return counters.withLock { map in
            if let raced = map[key] { return raced }
            map[key] = made
            return made
        }
    }

    /// The timer `label` with `dimensions`, made once.
    func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        let key = Key(label: label, dimensions: dimensions.map(\.1))
        if let known = timers.withLock({ $0[key] }) { return known }
        let made = Timer(label: label, dimensions: dimensions, preferredDisplayUnit: .seconds)
        return timers.withLock { map in
            if let raced = map[key] { return raced }
            map[key] = made
            return made
        }
    }
}
