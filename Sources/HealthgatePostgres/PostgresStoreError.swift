/// A failure of the shared PostgreSQL store with a stable machine code (`postgres-unavailable`, …); never a raw
/// PostgreSQL message, which may quote a row's values.
public struct PostgresStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine code for a class of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable word, stable across releases.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The database could not be reached, or did not commit before the deadline.
        public static let unavailable = Code("postgres-unavailable")
        /// The connection settings cannot be used (an unreadable CA bundle or password file).
        public static let settings = Code("postgres-settings")
        /// The schema could not be created or is not the one this build knows.
        public static let schema = Code("postgres-schema")
        /// A notification or row could not be decoded.
        public static let encoding = Code("postgres-encoding")
        /// The listening connection ended (closed by the server, cut, or its heartbeat went unanswered).
        public static let listenerLost = Code("postgres-listener-lost")
    }

    /// The stable machine code.
    public var code: Code
    /// What failed, for an operator; never personal data.
    public var detail: String

    /// An error of the given code.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
