/// The figures of one benchmark run: requests, wall time, per-request latencies and new connections.
struct Measurement: Sendable {
    let label: String
    let requests: Int
    let seconds: Double
    /// Per-request latencies in seconds, any order.
    let latencies: [Double]
    let newConnections: Int

    var requestsPerSecond: Double { Double(requests) / seconds }

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))
        return sorted[index]
    }

    var connectionsPerThousand: Double { Double(newConnections) * 1000 / Double(requests) }

    static func header() -> String {
        pad("run", 34) + pad("requests", 10) + pad("req/s", 10) + pad("p50 ms", 9) + pad("p99 ms", 9)
            + "new conn/1000"
    }

    func row() -> String {
        Self.pad(label, 34) + Self.pad("\(requests)", 10) + Self.pad(Self.format(requestsPerSecond, 0), 10)
            + Self.pad(Self.format(percentile(0.5) * 1000, 3), 9) + Self.pad(Self.format(percentile(0.99) * 1000, 3), 9)
            + Self.format(connectionsPerThousand, 2)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if decimals == 0 { return String(Int(rounded)) }
        let text = String(rounded)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return parts[0] + "." + fraction + String(repeating: "0", count: max(0, decimals - fraction.count))
    }
}
