/// How the storage connections behave; the defaults suit the gateway.
public struct StorageOptions: Hashable, Sendable {
    /// How long a write waits for another connection's lock before it fails with `storage-busy`.
    ///
    /// For the audit trail this is the "locked past a deadline" of fail-closed: past it the request gets 503.
    public var busyDeadline: Duration

    /// Options with the given lock deadline (default 2 s).
    public init(busyDeadline: Duration = .seconds(2)) {
        self.busyDeadline = busyDeadline
    }
}
