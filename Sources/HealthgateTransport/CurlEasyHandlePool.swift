import CCurl
import Synchronization

/// Easy handles that finished a transfer, reset and ready for the next one: a verify that calls a city costs no
/// `curl_easy_init`/`curl_easy_cleanup` and no error-buffer allocation in steady state.
///
/// A handle in the pool belongs to no transfer; `take()` hands it to exactly one. `curl_easy_reset` clears every
/// option (the next request sets all it needs) and keeps what libcurl keeps per handle across requests (its DNS and
/// TLS-session caches); connections live in the multi handle's pool either way.
final class CurlEasyHandlePool: Sendable {
    /// At most this many idle handles are kept; more are freed.
    let capacity: Int
    // The handles are not Sendable; the Mutex hands each to one owner at a time.
    private let idle: Mutex<[UncheckedHandle]>

    /// A handle crossing threads through the pool's lock, owned by exactly one side at a time.
    private struct UncheckedHandle: @unchecked Sendable {
        let handle: CurlEasyHandle
    }

    init(capacity: Int) {
        self.capacity = capacity
        self.idle = Mutex([])
    }

    /// An idle handle for `endpoint`, or a new one.
    func take(endpoint: String) throws(TransportError) -> CurlEasyHandle {
        if let reused = idle.withLock({ $0.popLast() }) {
            reused.handle.prepare(endpoint: endpoint)
            return reused.handle
        }
        return try CurlEasyHandle(endpoint: endpoint)
    }

    /// Takes back a handle that left the multi handle; call on the curl thread, after its last use by the transfer.
    func recycle(_ handle: CurlEasyHandle) {
        handle.reset()
        idle.withLock { handles in
            if handles.count < capacity { handles.append(UncheckedHandle(handle: handle)) }
        }
    }

    /// The number of idle handles (tests).
    var idleCount: Int { idle.withLock { $0.count } }
}
