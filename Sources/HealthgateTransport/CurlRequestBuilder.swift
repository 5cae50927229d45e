import CCurl
import Foundation

/// Turns a request and its endpoint's settings into a configured easy handle: TLS identity and trust, limits,
/// method, headers and body.
enum CurlRequestBuilder {
    static func makeTransfer(
        for request: TransportRequest, endpoint: EndpointConfiguration, handles: CurlEasyHandlePool
    ) throws(TransportError) -> CurlTransfer {
        let name = endpoint.endpointName
        guard endpoint.baseURL.scheme?.lowercased() == "https" else {
            throw TransportError(.invalidRequest, endpoint: name, reason: "only https endpoints are supported")
        }
        try validate(request, endpoint: name)
        let easy = try handles.take(endpoint: name)

        try easy.set(CURLOPT_URL, endpoint.url(for: request.path))
        try easy.set(CURLOPT_PROTOCOLS_STR, "https")
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_PROXY, "")  // never a proxy from the environment
        try easy.set(CURLOPT_FOLLOWLOCATION, false)
        try easy.set(CURLOPT_TCP_KEEPALIVE, true)

        // HTTP/2 through ALPN when offered; wait for a multiplexable connection rather than open another.
        if endpoint.offersHTTP2 {
            try easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
            try easy.set(CURLOPT_PIPEWAIT, true)
        } else {
            try easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        }

        try configureTLS(easy, endpoint: endpoint)

        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, endpoint.connectTimeout.curlMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, endpoint.requestTimeout.curlMilliseconds)
        // curl refuses early when a Content-Length announces more than this; chunked bodies are counted as they come.
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: endpoint.maxResponseBytes)

        try configureMethodAndBody(easy, request: request)
        var lines = request.headers.fields
            .filter { $0.name.lowercased() != "content-length" }
            .map { "\($0.name): \($0.value)" }
        lines.append("Expect:")  // no 100-continue round trip
        if request.body != nil, request.headers["content-type"] == nil {
            lines.append("Content-Type:")  // not curl's default form encoding
        }
        try easy.setHeaderLines(lines)

        try easy.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        return CurlTransfer(easy: easy, endpoint: name, maxResponseBytes: endpoint.maxResponseBytes)
    }

    /// Refuses a path or header that could smuggle a second header or request line (CR, LF, NUL, other controls),
    /// and a path that does not start with `/`.
    private static func validate(_ request: TransportRequest, endpoint: String) throws(TransportError) {
        func isClean(_ text: String) -> Bool {
            !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }
        }
        guard request.path.hasPrefix("/"), isClean(request.path), !request.path.contains(" ") else {
            throw TransportError(.invalidRequest, endpoint: endpoint, reason: "the request path is not a valid path")
        }
        guard !request.method.rawValue.isEmpty,
            request.method.rawValue.allSatisfy({ $0.isLetter && $0.isASCII })
        else {
            throw TransportError(.invalidRequest, endpoint: endpoint, reason: "the request method is not a token")
        }
        for field in request.headers {
            guard !field.name.isEmpty, isClean(field.name), isClean(field.value), !field.name.contains(":"),
                !field.name.contains(" ")
            else {
                throw TransportError(
                    .invalidRequest, endpoint: endpoint, reason: "header \(field.name.debugDescription) is not valid")
            }
        }
    }

    private static func configureTLS(_ easy: CurlEasyHandle, endpoint: EndpointConfiguration) throws(TransportError) {
        try easy.set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        // The endpoint's bundle alone: no CA directory, no native store.
        try easy.set(CURLOPT_CAINFO, endpoint.trustedCAFile)
        try easy.set(CURLOPT_CAPATH, nil)
        try easy.set(CURLOPT_SSL_OPTIONS, 0)
        if let pin = endpoint.pinnedPublicKey {
            try easy.set(CURLOPT_PINNEDPUBLICKEY, pin)
        }
        if let certificate = endpoint.clientCertificateFile {
            try easy.set(CURLOPT_SSLCERT, certificate)
            try easy.set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = endpoint.clientKeyFile {
            try easy.set(CURLOPT_SSLKEY, key)
            try easy.set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let variable = endpoint.keyPassphraseEnvironmentVariable {
            guard let passphrase = ProcessInfo.processInfo.environment[variable] else {
                throw TransportError(
                    .localCredentialsInvalid, endpoint: endpoint.endpointName,
                    reason: "passphrase variable \(variable) is not set")
            }
            try easy.set(CURLOPT_KEYPASSWD, passphrase)
        }
    }

    private static func configureMethodAndBody(_ easy: CurlEasyHandle, request: TransportRequest) throws(TransportError) {
        switch request.method {
        case .get where request.body == nil:
            try easy.set(CURLOPT_HTTPGET, true)
        case .head:
            try easy.set(CURLOPT_NOBODY, true)
        case .post:
            try easy.set(CURLOPT_POST, true)
            try easy.setBody(request.body ?? [])
        default:
            try easy.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            if let body = request.body {
                try easy.setBody(body)
            }
        }
    }
}
