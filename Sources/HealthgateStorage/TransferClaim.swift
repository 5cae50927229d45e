/// Whether this replica may run a transfer's request id now (`PostgresTransferStore.claim`): replicas sharing one
/// database run each request id once at a time, so that the arrival is registered with the home city once.
public enum TransferClaim: Hashable, Sendable {
    /// No other replica runs it (or the one that did let its lease lapse): run it.
    case granted
    /// Another replica runs it now: wait for its record.
    case heldElsewhere
}
