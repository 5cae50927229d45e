import Foundation

/// Whether this replica may run a transfer's request id now (`PostgresTransferStore.claim`): replicas sharing one
/// database run each request id once at a time, so that the arrival is registered with the home city once.
public enum TransferClaim: Hashable, Sendable {
    /// No other replica runs it (or the one that did let its lease lapse): run it, registering the arrival as of
    /// `arrivalTime` when one is given: the time of the request id's first claim, kept when another replica takes a
    /// lapsed claim over, so that a rerun sends the home city the very registration the first run may have sent.
    case granted(arrivalTime: Date?)
    /// Another replica runs it now: wait for its record.
    case heldElsewhere

    /// Whether the claim was granted.
    public var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }
}
