import HealthgateCore
import NIOSSL

/// Why the mutual-TLS listener refused a handshake, as the `reason` label of
/// `healthgate_tls_handshake_failures_total` and in the log: a stable word per cause an operator can act on.
public enum HandshakeRefusal: String, CaseIterable, Sendable {
    /// The client sent no certificate (mutual TLS is required).
    case noClientCertificate = "no-client-certificate"
    /// The client's certificate does not chain to any CA in `listen.clientCAs` (or is expired).
    case clientCertificateUntrusted = "client-certificate-untrusted"
    /// The client refused the gateway's server certificate.
    case serverCertificateRejected = "server-certificate-rejected"
    /// Plain HTTP, or something else that is not TLS, on the TLS port.
    case notTLS = "not-tls"
    /// A TLS version or cipher the listener does not accept (TLS 1.2 is the minimum).
    case protocolVersion = "protocol-version"
    /// The connection closed before the handshake finished.
    case closedDuringHandshake = "closed-during-handshake"
    /// Anything else.
    case other

    /// The refusal a NIOSSL error raised before the handshake completed stands for.
    public init(_ error: any Error) {
        guard let ssl = error as? NIOSSLError else {
            self = .closedDuringHandshake
            return
        }
        switch ssl {
        case .uncleanShutdown: self = .closedDuringHandshake
        case .handshakeFailed(let inner):
            let text = String(describing: inner).uppercased()
            if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") {
                self = .noClientCertificate
            } else if text.contains("CERTIFICATE_VERIFY_FAILED") {
                self = .clientCertificateUntrusted
            } else if text.contains("HTTP_REQUEST") || text.contains("WRONG_VERSION_NUMBER")
                        || text.contains("HTTPS_PROXY_REQUEST") {
                self = .notTLS
            } else if text.contains("UNSUPPORTED_PROTOCOL") || text.contains("PROTOCOL_VERSION")
                        || text.contains("NO_SHARED_CIPHER") {
                self = .protocolVersion
            } else if text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_BAD_CERTIFICATE")
                        || text.contains("ALERT_CERTIFICATE") {
                self = .serverCertificateRejected
            } else {
                self = .other
            }
        default: self = .other
        }
    }

    /// Counts one refusal in `/metrics`.
    public func count() {
        GatewayMetrics().handshakeRefused(reason: rawValue)
    }
}
