import CCurl

/// Owns one `CURLM*` multi handle and frees it in `deinit`. Used only on the client's curl thread, except
/// ``wakeup()``, which libcurl documents as callable from any thread.
final class CurlMultiHandle: @unchecked Sendable {
    // @unchecked Sendable: every member but `wakeup()` is called only from the curl thread (see CurlEventLoop);
    // `curl_multi_wakeup` is thread-safe by libcurl's contract, and `raw` is immutable.
    let raw: UnsafeMutableRawPointer

    init?(maxConnectionsPerHost: Int, maxTotalConnections: Int, connectionCacheSize: Int) {
        guard CurlGlobal.ensureInitialised(), let handle = curl_multi_init() else { return nil }
        raw = handle
        _ = hg_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = hg_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = hg_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotalConnections)
        _ = hg_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, connectionCacheSize)
    }

    deinit {
        curl_multi_cleanup(raw)
    }

    /// Interrupts a `curl_multi_poll` in progress on the curl thread; callable from any thread.
    func wakeup() {
        _ = curl_multi_wakeup(raw)
    }
}
