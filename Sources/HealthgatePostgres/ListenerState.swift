/// What a replica knows about its listening connection: whether it may trust its cache (listening, caught up, and
/// heard from the database recently).
struct ListenerState: Sendable {
    /// LISTEN is active and every invalidation committed before it has been applied.
    var caughtUp = false
    /// When the database last answered on the listening connection (a heartbeat or the catch-up).
    var lastHeard: ContinuousClock.Instant?
    /// The database's clock at that answer, in Unix milliseconds: where the next catch-up starts (less a margin).
    var lastHeardDatabaseMs: Int64?
    /// How many times the listener has connected and caught up.
    var catchUps = 0
    /// How many invalidations it has applied, from notifications or catch-up reads.
    var applied = 0

    /// Whether cached answers may be served at `now`: caught up and heard from within `staleAfter`.
    func trusts(now: ContinuousClock.Instant, staleAfter: Duration) -> Bool {
        guard caughtUp, let lastHeard else { return false }
        return now - lastHeard <= staleAfter
    }
}
