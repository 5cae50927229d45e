/// An error from the development PKI, with a stable machine code and a short reason free of key material.
public struct DevPKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine code for a development PKI failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable word, stable across releases.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// A subject alternative name is not a valid IPv4 or IPv6 address.
        public static let invalidIPAddress = Code("pki-invalid-ip-address")
        /// The validity window is empty (notAfter is not after notBefore).
        public static let invalidValidity = Code("pki-invalid-validity")
        /// A certificate or key could not be built or encoded.
        public static let encodingFailed = Code("pki-encoding-failed")
        /// A PEM file or string could not be read.
        public static let unreadable = Code("pki-unreadable")
        /// A file or directory could not be written.
        public static let writeFailed = Code("pki-write-failed")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human-readable reason; names files and fields, never key material.
    public let reason: String

    /// Creates an error with a code and a reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
