/// A complete response: status, header fields of the final response, and the body bytes (bounded by the endpoint's
/// response-size limit).
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The header fields of the final response (interim 1xx responses are dropped).
    public var headers: TransportHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// The HTTP version negotiated: 1 for HTTP/1.x, 2 for HTTP/2.
    public var httpVersion: Int

    /// Creates a response.
    public init(status: Int, headers: TransportHeaders = [:], body: [UInt8] = [], httpVersion: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }
}
