import Hummingbird

/// A simulated city system: its name, region, and the routes it serves (city endpoints plus `/_admin`).
public protocol SimulatedCity: Sendable {
    /// `hangzhou`, `shanghai` or `beijing`.
    var name: String { get }
    /// The city's region code (GB/T 2260).
    var region: String { get }
    /// The fault switch applied to the city's own endpoints.
    var faults: FaultSwitch { get }
    /// The simulated clock.
    var clock: SimulatorClock { get }
    /// Builds the router: city endpoints behind the fault switch, and the admin endpoints.
    func makeRouter() -> Router<SimulatorRequestContext>
}
