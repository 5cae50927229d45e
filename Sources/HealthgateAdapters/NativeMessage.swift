/// One HTTP header as a city expects it on the wire.
public struct HTTPField: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request in a city's own schema, ready for any HTTP transport: method, path (with query) relative to the city's
/// base URL, headers and body. Adapters build these; they never send them.
public struct NativeRequest: Hashable, Sendable {
    public var method: String
    public var path: String
    public var headers: [HTTPField]
    public var body: [UInt8]

    public init(method: String, path: String, headers: [HTTPField], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// An answer in a city's own schema, as the transport received it.
public struct NativeResponse: Hashable, Sendable {
    public var status: Int
    public var headers: [HTTPField]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPField], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
