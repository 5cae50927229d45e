import Metrics

extension GatewayMetrics {
    /// One TLS handshake refused by the mutual-TLS listener, by `reason` (`client-certificate-untrusted`,
    /// `no-client-certificate`, `not-tls`, …).
    public func handshakeRefused(reason: String) {
        Counter(label: "healthgate_tls_handshake_failures_total", dimensions: [("reason", reason)]).increment()
    }
}
