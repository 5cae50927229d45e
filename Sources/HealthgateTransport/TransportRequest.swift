/// A request to send to an endpoint: method, path (with query) relative to the endpoint's base URL, headers, body.
///
/// The body is never logged and never appears in an error.
public struct TransportRequest: Sendable {
    /// The method.
    public var method: TransportMethod
    /// The path and query, appended to the endpoint's base URL (`/api/v1/verify?x=1`); must start with `/`.
    public var path: String
    /// Request header fields. `Content-Length` is set by the transport.
    public var headers: TransportHeaders
    /// The body bytes, or nil for none.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: TransportMethod = .get, path: String, headers: TransportHeaders = [:], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}
