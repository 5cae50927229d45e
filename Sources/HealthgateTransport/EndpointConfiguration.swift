import Foundation

/// How to reach one endpoint (one city system or one peer gateway): base URL, mutual-TLS identity, trust, limits.
///
/// Only the CA bundle in ``trustedCAFile`` is trusted, never the system store; host name verification is always on
/// and TLS 1.2 is the minimum. None of this can be switched off.
public struct EndpointConfiguration: Hashable, Sendable {
    /// The `https` base URL; a request's path is appended to it (`https://127.0.0.1:8443/api`).
    public var baseURL: URL
    /// The PEM client certificate file, or nil to present none.
    public var clientCertificateFile: String?
    /// The PEM private key file of the client certificate (PKCS#8, SEC1, or encrypted PKCS#8).
    public var clientKeyFile: String?
    /// The name of the environment variable holding the private key's passphrase, if the key is encrypted.
    public var keyPassphraseEnvironmentVariable: String?
    /// The PEM CA bundle that alone is trusted for this endpoint's server certificate.
    public var trustedCAFile: String
    /// An optional SPKI pin in curl's form, `sha256//<base64>` (several joined with `;`).
    public var pinnedPublicKey: String?
    /// The longest a TCP connect plus TLS handshake may take.
    public var connectTimeout: Duration
    /// The overall deadline of one request, from submission to the last body byte (queueing included).
    public var requestTimeout: Duration
    /// The largest response body accepted; a larger one aborts the transfer with `responseTooLarge`.
    public var maxResponseBytes: Int
    /// Whether to offer HTTP/2 through ALPN (HTTP/1.1 is used when the server does not take it).
    public var offersHTTP2: Bool

    /// Creates an endpoint configuration; the defaults are 5 s to connect, 10 s per request and 1 MiB of body.
    public init(
        baseURL: URL,
        clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil,
        keyPassphraseEnvironmentVariable: String? = nil,
        trustedCAFile: String,
        pinnedPublicKey: String? = nil,
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 1 << 20,
        offersHTTP2: Bool = true
    ) {
        self.baseURL = baseURL
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.keyPassphraseEnvironmentVariable = keyPassphraseEnvironmentVariable
        self.trustedCAFile = trustedCAFile
        self.pinnedPublicKey = pinnedPublicKey
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.offersHTTP2 = offersHTTP2
    }

    /// `host:port` of the base URL, the name errors, logs and counters use for this endpoint.
    public var endpointName: String {
        let host = baseURL.host ?? "?"
        let port = baseURL.port ?? 443
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The full URL for a request path: the base URL without a trailing `/`, then the path.
    func url(for path: String) -> String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, for curl's `_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
