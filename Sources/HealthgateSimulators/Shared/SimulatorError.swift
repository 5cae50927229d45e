/// An error of the simulators, with a stable machine code.
public struct SimulatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable machine code of a simulator error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's text, e.g. `simulator-unknown-holder`.
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No holder with that handle or reference.
        public static let unknownHolder = Code("simulator-unknown-holder")
        /// A status or reason that the city's vocabulary does not have.
        public static let invalidStatus = Code("simulator-invalid-status")
        /// The server stopped before it listened.
        public static let notStarted = Code("simulator-not-started")
        /// A key or certificate file could not be read.
        public static let unreadableCredentials = Code("simulator-unreadable-credentials")
        /// An outgoing notification could not be sent.
        public static let notificationFailed = Code("simulator-notification-failed")
    }

    /// The machine code.
    public let code: Code
    /// What happened, for a developer (never personal data).
    public let reason: String

    /// An error with a code and a reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
