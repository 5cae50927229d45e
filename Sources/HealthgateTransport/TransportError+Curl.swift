import CCurl

extension TransportError {
    /// Maps a failed transfer's `CURLcode` to a stable code; curl's error-buffer text becomes the reason.
    ///
    /// `exceededLimit` is true when our own write callback stopped the transfer for its size, which curl reports
    /// as a write error.
    static func fromCurl(
        _ result: CURLcode, errorText: String, endpoint: String, exceededLimit: Bool
    ) -> TransportError {
        let text = errorText.isEmpty ? String(cString: curl_easy_strerror(result)) : errorText
        let code: Code
        switch result {
        case CURLE_WRITE_ERROR where exceededLimit, CURLE_FILESIZE_EXCEEDED:
            return TransportError(.responseTooLarge, endpoint: endpoint, reason: "response body exceeds the limit")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            code = .connectFailed
        case CURLE_OPERATION_TIMEDOUT:
            code = .timeout
        case CURLE_SSL_CONNECT_ERROR:
            code = .tlsHandshakeFailed
        case CURLE_PEER_FAILED_VERIFICATION:
            code = .peerCertificateRejected
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            code = .pinMismatch
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR:
            code = .localCredentialsInvalid
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            // With TLS 1.3 the server judges our certificate after the client's handshake is done, so its refusal
            // (an alert) arrives on the first read; OpenSSL's text names it.
            code = Self.isTLSAlert(text) ? .tlsHandshakeFailed : .connectionLost
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            code = .connectionLost
        case CURLE_ABORTED_BY_CALLBACK:
            code = .cancelled
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_NOT_BUILT_IN,
            CURLE_UNKNOWN_OPTION, CURLE_OUT_OF_MEMORY:
            code = .invalidRequest
        default:
            code = .protocolError
        }
        return TransportError(code, endpoint: endpoint, reason: text)
    }

    private static func isTLSAlert(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.contains("alert") || lowered.contains("ssl routines") || lowered.contains("certificate required")
    }
}
