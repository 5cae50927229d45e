/// A snapshot of a client's counters, overall and per endpoint (`host:port`).
public struct TransportCounters: Hashable, Sendable {
    /// Counts for one endpoint or for all of them.
    public struct Counts: Hashable, Sendable {
        /// Requests submitted.
        public var requests: Int = 0
        /// Requests that ended with an HTTP response (any status).
        public var responses: Int = 0
        /// Requests that ended with a ``TransportError``.
        public var failures: Int = 0
        /// New connections opened (curl's `CURLINFO_NUM_CONNECTS`, summed over transfers).
        public var newConnections: Int = 0
        /// TLS handshakes completed: new connections on which TLS was established.
        public var tlsHandshakes: Int = 0
        /// Responses received over HTTP/2.
        public var http2Responses: Int = 0

        /// All zero.
        public init() {}
    }

    /// Totals over all endpoints.
    public var total = Counts()
    /// Counts per endpoint name (`host:port`).
    public var byEndpoint: [String: Counts] = [:]

    /// All zero.
    public init() {}

    mutating func update(_ endpoint: String, _ change: (inout Counts) -> Void) {
        change(&total)
        change(&byEndpoint[endpoint, default: Counts()])
    }
}
