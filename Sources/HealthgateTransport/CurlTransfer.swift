import CCurl
import Foundation
import Synchronization

/// One request in flight: its easy handle, the response being collected, and the continuation to resume.
///
/// A transfer is retained once through `Unmanaged` when it joins the multi handle (the pointer curl's callbacks and
/// `CURLINFO_PRIVATE` carry) and released exactly once when it leaves it, in ``CurlEventLoop``.
final class CurlTransfer: @unchecked Sendable {
    // @unchecked Sendable: the response state, `easy` and `continuation` are written on the submitting task before
    // ``CurlEventLoop/submit(_:)`` (whose lock publishes them) and afterwards only on the curl thread; the one field
    // other threads touch, `cancelRequested`, is atomic.

    let easy: CurlEasyHandle
    let endpoint: String
    let maxResponseBytes: Int

    /// Set by a cancellation handler on any thread; read by the curl thread.
    private let cancelRequested = Atomic<Bool>(false)

    // MARK: curl-thread state
    private var continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>?
    private(set) var body: [UInt8] = []
    private(set) var headers = TransportHeaders()
    /// True once our own size check stopped the transfer.
    private(set) var exceededLimit = false

    init(easy: CurlEasyHandle, endpoint: String, maxResponseBytes: Int) {
        self.easy = easy
        self.endpoint = endpoint
        self.maxResponseBytes = maxResponseBytes
    }

    /// Records the continuation; call once, before submission.
    func setContinuation(_ continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>) {
        self.continuation = continuation
    }

    /// Marks the transfer as cancelled; the curl thread acts on it.
    func requestCancel() { cancelRequested.store(true, ordering: .releasing) }

    var isCancelRequested: Bool { cancelRequested.load(ordering: .acquiring) }

    /// Resumes the caller exactly once; later calls do nothing.
    func complete(_ result: Result<TransportResponse, TransportError>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(returning: result)
    }

    // MARK: callbacks (curl thread)

    /// Appends body bytes; returns false (stop the transfer) once the limit would be exceeded.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Takes one raw header line; a new status line starts a new header block (after a 1xx answer).
    /// Returns false when a `Content-Length` already announces more than the limit.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Works on the bytes: this runs for every header line of every answer.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if end >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
           bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") {
            headers = TransportHeaders()
            return true
        }
        guard let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")) else { return true }
        var start = colon + 1
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var stop = end
        while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        let name = String(decoding: bytes[..<colon], as: UTF8.self)
        let value = String(decoding: bytes[start..<stop], as: UTF8.self)
        headers.add(name: name, value: value)
        if name.lowercased() == "content-length", let length = Int(value), length > maxResponseBytes {
            exceededLimit = true
            return false
        }
        return true
    }
}

// MARK: C callbacks: `userdata` is the transfer's Unmanaged pointer, valid while it is in the multi handle.

/// `CURLOPT_WRITEFUNCTION`: returning anything but `size * count` aborts with `CURLE_WRITE_ERROR`.
let curlWriteCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : 0
}

/// `CURLOPT_HEADERFUNCTION`: one header line per call.
let curlHeaderCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let accepted = transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : 0
}
