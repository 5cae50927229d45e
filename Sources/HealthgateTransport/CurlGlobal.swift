import CCurl

/// Calls `curl_global_init` exactly once per process, before the first handle is made.
enum CurlGlobal {
    /// Swift initialises a static `let` once, thread-safely, on first use.
    private static let initResult: CURLcode = hg_curl_global_init()

    /// Makes sure libcurl is initialised; returns false if initialisation failed.
    static func ensureInitialised() -> Bool {
        initResult == CURLE_OK
    }
}
