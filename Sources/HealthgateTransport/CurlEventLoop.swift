import CCurl
import Foundation
import Logging
import Synchronization

/// Drives one curl multi handle on a dedicated thread with `curl_multi_poll`, never on Swift's cooperative pool.
///
/// Tasks hand transfers and cancellations over through a locked inbox and wake the thread with `curl_multi_wakeup`;
/// the thread adds them, runs `curl_multi_perform`, and completes finished transfers. All connections live in the
/// multi handle's connection cache, which curl matches by host, port and TLS configuration, so requests to the same
/// endpoint with the same identity reuse connections and different identities never share one.
final class CurlEventLoop: @unchecked Sendable {
    // @unchecked Sendable: `inbox`, `counters` and `wakeupHandle` are behind Mutexes; the multi handle itself is used
    // on the curl thread only (apart from the thread-safe `curl_multi_wakeup`, called under `wakeupHandle`'s lock so
    // that it never races the cleanup); `active` is touched on the curl thread only.

    private struct Inbox {
        var additions: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var stopping = false
    }

    /// The multi handle until the curl thread has stopped and freed it; nil afterwards.
    private let wakeupHandle: Mutex<CurlMultiHandle?>
    private let inbox = Mutex(Inbox())
    private let counters = Mutex(TransportCounters())
    /// Where finished transfers' easy handles go back to.
    private let handles: CurlEasyHandlePool
    private let logger: Logger
    /// Transfers currently in the multi handle, for cancellation and shutdown; curl thread only.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]

    init(multi: CurlMultiHandle, handles: CurlEasyHandlePool, logger: Logger) {
        self.wakeupHandle = Mutex(multi)
        self.handles = handles
        self.logger = logger
    }

    /// Starts the curl thread; it runs until ``shutdown()``.
    func start(name: String) {
        let thread = Thread { [self] in
            // The thread's own reference; the last one once `wakeupHandle` lets go, so the multi handle (and every
            // cached connection) is freed when the thread ends.
            guard let multi = self.wakeupHandle.withLock({ $0 }) else { return }
            self.run(multi)
            self.wakeupHandle.withLock { $0 = nil }
        }
        thread.name = name
        thread.start()
    }

    /// Hands a configured transfer to the curl thread, or completes it as cancelled if the loop has stopped.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.additions.append(transfer)
            return true
        }
        counters.withLock { $0.update(transfer.endpoint) { $0.requests += 1 } }
        guard accepted else {
            finishWithoutTransfer(transfer, TransportError(.cancelled, endpoint: transfer.endpoint, reason: "client shut down"))
            return
        }
        wakeUp()
    }

    /// Asks the curl thread to abort `transfer`; safe from any thread, before, during or after the transfer.
    func cancel(_ transfer: CurlTransfer) {
        transfer.requestCancel()
        inbox.withLock { $0.cancellations.append(transfer) }
        wakeUp()
    }

    /// Stops the thread; transfers still in flight complete as cancelled.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        wakeUp()
    }

    private func wakeUp() {
        wakeupHandle.withLock { $0?.wakeup() }
    }

    /// The counters so far.
    var snapshot: TransportCounters { counters.withLock { $0 } }

    // MARK: the curl thread

    private func run(_ multi: CurlMultiHandle) {
        while true {
            let (additions, cancellations, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.additions.removeAll(keepingCapacity: true)
                    inbox.cancellations.removeAll(keepingCapacity: true)
                }
                return (inbox.additions, inbox.cancellations, inbox.stopping)
            }
            for transfer in additions { add(transfer, to: multi) }
            for transfer in cancellations where active[ObjectIdentifier(transfer)] != nil {
                finish(
                    transfer, in: multi,
                    .failure(TransportError(.cancelled, endpoint: transfer.endpoint, reason: "cancelled")))
            }
            if stopping {
                drainOnShutdown(multi)
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            readCompletions(multi)
            // Sleeps until socket activity, curl's next timeout, a wakeup, or one second (whichever comes first).
            _ = curl_multi_poll(multi.raw, nil, 0, 1000, nil)
        }
    }

    private func add(_ transfer: CurlTransfer, to multi: CurlMultiHandle) {
        if transfer.isCancelRequested {
            finishWithoutTransfer(transfer, TransportError(.cancelled, endpoint: transfer.endpoint, reason: "cancelled"))
            return
        }
        // The one retain of this transfer, released in `finish` when it leaves the multi handle.
        let context = Unmanaged.passRetained(transfer).toOpaque()
        do {
            try transfer.easy.set(CURLOPT_PRIVATE, pointer: context)
            try transfer.easy.set(CURLOPT_WRITEDATA, pointer: context)
            try transfer.easy.set(CURLOPT_HEADERDATA, pointer: context)
        } catch {
            Unmanaged<CurlTransfer>.fromOpaque(context).release()
            finishWithoutTransfer(transfer, error)
            return
        }
        let result = curl_multi_add_handle(multi.raw, transfer.easy.raw)
        guard result == CURLM_OK else {
            Unmanaged<CurlTransfer>.fromOpaque(context).release()
            let reason = String(cString: curl_multi_strerror(result))
            finishWithoutTransfer(transfer, TransportError(.invalidRequest, endpoint: transfer.endpoint, reason: reason))
            return
        }
        active[ObjectIdentifier(transfer)] = transfer
    }

    private func readCompletions(_ multi: CurlMultiHandle) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard hg_msg_is_done(message) != 0, let easy = message.pointee.easy_handle else { continue }
            var context: UnsafeMutableRawPointer?
            guard hg_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context) == CURLE_OK, let context else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            let code = hg_msg_result(message)
            if code == CURLE_OK {
                let response = TransportResponse(
                    status: transfer.easy.info(CURLINFO_RESPONSE_CODE), headers: transfer.headers,
                    body: transfer.body, httpVersion: Self.majorVersion(transfer.easy.info(CURLINFO_HTTP_VERSION)))
                finish(transfer, in: multi, .success(response))
            } else {
                let error = TransportError.fromCurl(
                    code, errorText: transfer.easy.errorText, endpoint: transfer.endpoint,
                    exceededLimit: transfer.exceededLimit)
                finish(transfer, in: multi, .failure(error))
            }
        }
    }

    /// Removes a transfer from the multi handle, counts it, releases its retain, and resumes its caller.
    private func finish(_ transfer: CurlTransfer, in multi: CurlMultiHandle, _ result: Result<TransportResponse, TransportError>) {
        guard active.removeValue(forKey: ObjectIdentifier(transfer)) != nil else { return }
        curl_multi_remove_handle(multi.raw, transfer.easy.raw)
        let connects = transfer.easy.info(CURLINFO_NUM_CONNECTS)
        let handshakeDone = transfer.easy.info(offset: CURLINFO_APPCONNECT_TIME_T) > 0
        counters.withLock { counters in
            counters.update(transfer.endpoint) { counts in
                counts.newConnections += connects
                if connects > 0 && handshakeDone { counts.tlsHandshakes += connects }
                switch result {
                case .success(let response):
                    counts.responses += 1
                    if response.httpVersion == 2 { counts.http2Responses += 1 }
                case .failure:
                    counts.failures += 1
                }
            }
        }
        if case .failure(let error) = result {
            logger.debug(
                "transfer failed", metadata: ["endpoint": "\(error.endpoint)", "code": "\(error.code.rawValue)"])
        }
        handles.recycle(transfer.easy)  // the transfer never touches its handle again
        Unmanaged.passUnretained(transfer).release()
        transfer.complete(result)
    }

    private func finishWithoutTransfer(_ transfer: CurlTransfer, _ error: TransportError) {
        counters.withLock { $0.update(transfer.endpoint) { $0.failures += 1 } }
        transfer.complete(.failure(error))
    }

    private func drainOnShutdown(_ multi: CurlMultiHandle) {
        for transfer in Array(active.values) {
            finish(transfer, in: multi, .failure(TransportError(.cancelled, endpoint: transfer.endpoint, reason: "client shut down")))
        }
        let late = inbox.withLock { inbox in
            defer { inbox.additions.removeAll() }
            return inbox.additions
        }
        for transfer in late {
            finishWithoutTransfer(
                transfer, TransportError(.cancelled, endpoint: transfer.endpoint, reason: "client shut down"))
        }
    }

    private static func majorVersion(_ curlVersion: Int) -> Int {
        switch curlVersion {
        case Int(CURL_HTTP_VERSION_2_0): 2
        case Int(CURL_HTTP_VERSION_3): 3
        default: 1
        }
    }
}
