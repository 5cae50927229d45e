/// A misbehaviour a simulated city can be told to show, for tests of the gateway's failure handling.
public enum Fault: Hashable, Sendable {
    /// The city's own "busy" answer (Hangzhou `SYSTEM_BUSY` in HTTP 200, Shanghai 503/50301, Beijing 2001).
    case busy
    /// Shanghai's rate limit: 429, code 42901, `Retry-After` in seconds (other cities answer `busy`).
    case rateLimited(retryAfterSeconds: Int)
    /// Answer normally, after a delay.
    case slow(milliseconds: Int)
    /// Never answer (until the fault is cleared or the simulator stops).
    case hang
    /// Start an answer, then close the connection mid-body.
    case reset
    /// The front proxy's HTML error page with this status (502 or 503), instead of the city's answer.
    case proxyError(status: Int)
    /// HTTP 200 with bytes that are not the city's format.
    case garbage
    /// HTTP 200 with a body of this many bytes.
    case oversized(bytes: Int)
}

/// A fault and how many more requests it applies to (`nil`: every request until cleared).
public struct FaultRule: Hashable, Sendable {
    /// The misbehaviour.
    public var fault: Fault
    /// How many more requests it applies to; `nil` for all.
    public var remaining: Int?

    /// A rule for `fault`, `times` requests (`nil`: until cleared).
    public init(_ fault: Fault, times: Int? = nil) {
        self.fault = fault
        self.remaining = times
    }
}
