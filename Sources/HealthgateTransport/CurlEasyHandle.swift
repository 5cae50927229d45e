import CCurl

/// Owns one `CURL*` easy handle, its header list and its error buffer, and frees them in `deinit`.
///
/// Configured on the submitting task, then handed to the client's curl thread, which alone touches it afterwards.
/// That hand-over goes through ``CurlEventLoop``'s lock, which orders the writes before the thread's reads.
final class CurlEasyHandle {
    /// The handle; valid for the lifetime of this object.
    let raw: UnsafeMutableRawPointer
    /// curl writes its diagnostic text here (`CURLOPT_ERRORBUFFER`); must outlive `raw`.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request header list given to `CURLOPT_HTTPHEADER`; must outlive `raw`'s use of it.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The endpoint name for errors raised while configuring.
    private var endpoint: String

    init(endpoint: String) throws(TransportError) {
        self.endpoint = endpoint
        guard CurlGlobal.ensureInitialised(), let handle = curl_easy_init() else {
            throw TransportError(.invalidRequest, endpoint: endpoint, reason: "libcurl could not be initialised")
        }
        self.raw = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = hg_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    /// Clears every option and the previous request's header list and error text, for reuse
    /// (``CurlEasyHandlePool``). The handle must not be in a multi handle.
    func reset() {
        curl_easy_reset(raw)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        errorBuffer[0] = 0
        _ = hg_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    /// Names the endpoint of the next request (for errors raised while configuring it).
    func prepare(endpoint: String) {
        self.endpoint = endpoint
    }

    deinit {
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// curl's diagnostic text for the last failure, or empty.
    var errorText: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(hg_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(TransportError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, offset value: Int) throws(TransportError) {
        try check(hg_easy_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    /// Sets a string option; curl copies the string. `nil` resets the option (for `CURLOPT_CAPATH`: no directory).
    func set(_ option: CURLoption, _ value: String?) throws(TransportError) {
        let result: CURLcode
        if let value {
            result = value.withCString { hg_easy_setopt_string(raw, option, $0) }
        } else {
            result = hg_easy_setopt_string(raw, option, nil)
        }
        try check(result, option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(hg_easy_setopt_pointer(raw, option, pointer), option)
    }

    func set(_ option: CURLoption, callback: curl_write_callback) throws(TransportError) {
        try check(hg_easy_setopt_write_callback(raw, option, callback), option)
    }

    /// Sets the request header lines (`Name: value`); the list is kept until `deinit`.
    func setHeaderLines(_ lines: [String]) throws(TransportError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let appended = line.withCString({ curl_slist_append(list, $0) }) else {
                if let list { curl_slist_free_all(list) }
                throw TransportError(.invalidRequest, endpoint: endpoint, reason: "cannot build header list")
            }
            list = appended
        }
        if let headerList { curl_slist_free_all(headerList) }
        headerList = list
        try check(hg_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
    }

    /// Copies `body` into curl (`CURLOPT_COPYPOSTFIELDS`), binary-safe.
    func setBody(_ body: [UInt8]) throws(TransportError) {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: body.count)
        let result = body.withUnsafeBytes { bytes in
            // An empty body still needs a valid pointer.
            hg_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)))
        }
        try check(result, CURLOPT_COPYPOSTFIELDS)
    }

    func info(_ info: CURLINFO) -> Int {
        var value: Int = 0
        return hg_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    func info(offset info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        return hg_easy_getinfo_off_t(raw, info, &value) == CURLE_OK ? Int(value) : 0
    }

    private func check(_ result: CURLcode, _ option: CURLoption) throws(TransportError) {
        guard result == CURLE_OK else {
            throw TransportError(
                .invalidRequest, endpoint: endpoint,
                reason: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(result)))")
        }
    }
}

@available(*, unavailable, message: "configured by one task, then owned by the curl thread")
extension CurlEasyHandle: Sendable {}
