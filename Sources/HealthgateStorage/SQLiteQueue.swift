import Dispatch

/// A serial dispatch queue that owns one `SQLiteConnection` and runs every call on it off the cooperative pool.
///
/// The connection opens lazily and reopens after `discardConnection()`: a writer that failed (disk full, read-only
/// file) drops its connection, and the next operation starts from a fresh one.
final class SQLiteQueue: @unchecked Sendable {
    // Safe: `connection` and `isClosed` are read and written only on `queue`, a serial queue.
    private let queue: DispatchQueue
    private var connection: SQLiteConnection?
    private var isClosed = false
    private let path: String
    private let readOnly: Bool
    private let busyDeadline: Duration
    private let synchronous: SQLiteConnection.Synchronous

    init(label: String, path: String, readOnly: Bool, busyDeadline: Duration, synchronous: SQLiteConnection.Synchronous) {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.path = path
        self.readOnly = readOnly
        self.busyDeadline = busyDeadline
        self.synchronous = synchronous
    }

    /// Runs `body` on the queue with the connection and returns its result to the caller's task.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StorageError) -> T) async throws(StorageError) -> T {
        let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.onQueue(body))
            }
        }
        return try result.get()
    }

    /// Schedules `work` on the queue; `work` must call `onQueue` or `connectionOnQueue` itself.
    func async(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }

    /// Runs `body` with the connection; call only on the queue.
    ///
    /// After a transient failure (busy, full, read-only, I/O) the connection is dropped, so that the next operation
    /// starts from a freshly opened one: this is how a writer recovers once the file is writable again.
    func onQueue<T>(_ body: (SQLiteConnection) throws(StorageError) -> T) -> Result<T, StorageError> {
        dispatchPrecondition(condition: .onQueue(queue))
        do throws(StorageError) {
            return .success(try body(try connectionOnQueue()))
        } catch {
            if error.isTransient || error.code == .corrupt { discardConnectionOnQueue() }
            return .failure(error)
        }
    }

    /// The connection, opened if needed; call only on the queue.
    func connectionOnQueue() throws(StorageError) -> SQLiteConnection {
        dispatchPrecondition(condition: .onQueue(queue))
        if isClosed { throw StorageError(.closed, "the store was closed") }
        if let connection { return connection }
        let opened = try SQLiteConnection(path: path, readOnly: readOnly, busyDeadline: busyDeadline, synchronous: synchronous)
        connection = opened
        return opened
    }

    /// Drops the connection so that the next operation reopens it; call only on the queue.
    func discardConnectionOnQueue() {
        dispatchPrecondition(condition: .onQueue(queue))
        connection?.rollbackIfNeeded()
        connection = nil
    }

    /// Closes the connection for good; later operations fail with `storage-closed`.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection = nil
                self.isClosed = true
                continuation.resume()
            }
        }
    }
}
