/// A transport failure, with a stable machine code, the endpoint (`host:port`) it concerns, and a reason.
///
/// The reason is curl's diagnostic text (for TLS failures, OpenSSL's reason) or a short sentence; it never contains a
/// request or response body.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine code for a transport failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable word, stable across releases.
        public let rawValue: String
        /// Whether the same request may succeed if tried again later.
        public let isTransient: Bool

        private init(_ rawValue: String, transient: Bool) {
            self.rawValue = rawValue
            self.isTransient = transient
        }

        public var description: String { rawValue }

        /// The host name did not resolve, or the TCP connection was refused or unreachable.
        public static let connectFailed = Code("connect-failed", transient: true)
        /// The TLS handshake failed: the server refused our client certificate, no common protocol, or an alert.
        public static let tlsHandshakeFailed = Code("tls-handshake-failed", transient: false)
        /// The server's certificate did not verify: untrusted CA, expired, not yet valid, or wrong host name.
        public static let peerCertificateRejected = Code("peer-certificate-rejected", transient: false)
        /// The server's public key does not match the configured pin.
        public static let pinMismatch = Code("pin-mismatch", transient: false)
        /// Our own client certificate, key, passphrase or CA file could not be used.
        public static let localCredentialsInvalid = Code("local-credentials-invalid", transient: false)
        /// The connect timeout or the request deadline passed.
        public static let timeout = Code("timeout", transient: true)
        /// The response body exceeded the endpoint's limit; the transfer was aborted.
        public static let responseTooLarge = Code("response-too-large", transient: false)
        /// The caller's task was cancelled, or the client shut down.
        public static let cancelled = Code("cancelled", transient: false)
        /// The connection broke before a complete response (reset, nothing received, truncated body).
        public static let connectionLost = Code("connection-lost", transient: true)
        /// The server's answer was not valid HTTP, or another protocol-level failure.
        public static let protocolError = Code("protocol-error", transient: false)
        /// The request itself cannot be sent (bad URL, missing passphrase variable, unsupported option).
        public static let invalidRequest = Code("invalid-request", transient: false)

        /// Every code, for documentation and tests.
        public static let all: [Code] = [
            .connectFailed, .tlsHandshakeFailed, .peerCertificateRejected, .pinMismatch, .localCredentialsInvalid,
            .timeout, .responseTooLarge, .cancelled, .connectionLost, .protocolError, .invalidRequest,
        ]
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// The endpoint concerned, `host:port`.
    public let endpoint: String
    /// A human-readable reason (curl's or OpenSSL's text); never a body.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, endpoint: String, reason: String) {
        self.code = code
        self.endpoint = endpoint
        self.reason = reason
    }

    /// Whether the same request may succeed if tried again later.
    public var isTransient: Bool { code.isTransient }

    public var description: String { "\(code) (\(endpoint)): \(reason)" }

    /// Equal when the codes and endpoints are equal; the reason text is diagnostic only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.endpoint == rhs.endpoint }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(endpoint)
    }
}
