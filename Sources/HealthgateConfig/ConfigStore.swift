import Synchronization

/// The current configuration snapshot, swapped atomically on reload; readers get a consistent immutable value.
public final class ConfigStore: Sendable {
    private let box: Mutex<(configuration: GatewayConfiguration, generation: UInt64)>

    public init(_ initial: GatewayConfiguration) { box = Mutex((initial, 0)) }

    /// The snapshot in force now.
    public var current: GatewayConfiguration { box.withLock { $0.configuration } }

    /// The snapshot in force now and its generation: a number that grows by one at each `replace`, so that what was
    /// derived from a snapshot (a caller's roles) can tell it is out of date.
    public var currentWithGeneration: (configuration: GatewayConfiguration, generation: UInt64) {
        box.withLock { $0 }
    }

    /// Replaces the snapshot.
    public func replace(with configuration: GatewayConfiguration) {
        box.withLock { $0 = (configuration, $0.generation &+ 1) }
    }
}
