/// An HTTP request method.
public struct TransportMethod: Hashable, Sendable, CustomStringConvertible {
    /// The method token as sent on the wire (`GET`, `POST`, …).
    public let rawValue: String

    /// A method from its token; use the static members for the common ones.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// `GET`
    public static let get = TransportMethod("GET")
    /// `HEAD`
    public static let head = TransportMethod("HEAD")
    /// `POST`
    public static let post = TransportMethod("POST")
    /// `PUT`
    public static let put = TransportMethod("PUT")
    /// `PATCH`
    public static let patch = TransportMethod("PATCH")
    /// `DELETE`
    public static let delete = TransportMethod("DELETE")
}
