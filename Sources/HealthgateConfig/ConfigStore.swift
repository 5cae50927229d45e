import Synchronization

/// The current configuration snapshot, swapped atomically on reload; readers get a consistent immutable value.
public final class ConfigStore: Sendable {
    private let box: Mutex<GatewayConfiguration>

    public init(_ initial: GatewayConfiguration) { box = Mutex(initial) }

    /// The snapshot in force now.
    public var current: GatewayConfiguration { box.withLock { $0 } }

    /// Replaces the snapshot.
    public func replace(with configuration: GatewayConfiguration) { box.withLock { $0 = configuration } }
}
