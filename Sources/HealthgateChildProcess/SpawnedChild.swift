import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` (the simulated cities' `curl`, the tests' children): its standard
/// streams go where the caller says (else `/dev/null`) and every other descriptor of this process is closed in the
/// child.
///
/// Not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` copying a fixed 256-byte name out of each
/// directory entry, which reads past the end of the directory buffer once the process holds ~1,400 descriptors (the
/// whole test suite running at once) and crashed it now and then.
public final class SpawnedChild: Sendable {
    /// How a child ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        /// The shell's number for it: the exit status, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    private struct State {
        var ended: Termination?
        var waiters: [CheckedContinuation<Termination, Never>] = []
    }

    /// The child's process id (its own process group's too).
    public let pid: pid_t
    private let state = Mutex(State())

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// How the child ended, or `nil` while it runs.
    public var ended: Termination? { state.withLock { $0.ended } }

    /// Starts `executable` (a path) with `arguments`; `environment` replaces this process's when given. The descriptors
    /// become the child's 0, 1 and 2 (`nil`: `/dev/null`); the caller keeps and closes its own.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             standardInput: Int32? = nil, standardOutput: Int32? = nil,
                             standardError: Int32? = nil) throws -> SpawnedChild {
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else { throw SpawnError(description: "cannot open /dev/null (errno \(errno))") }
        defer { close(devNull) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in [(Int32(0), standardInput ?? devNull), (1, standardOutput ?? devNull),
                                 (2, standardError ?? devNull)] {
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        guard let closeFrom = closeFrom, closeFrom(&actions, 3) == 0 else {
            throw SpawnError(description: "posix_spawn_file_actions_addclosefrom_np is not available (glibc ≥ 2.34)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation does: a signal for the test process is not the child's.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = environment ?? ProcessInfo.processInfo.environment
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw SpawnError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        let childPID = pid
        let child = SpawnedChild(pid: childPID)
        // One thread waits for the child, outside the cooperative pool.
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(childPID, &status, 0) == -1 && errno == EINTR {}
            let termination: Termination = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
            let waiters = child.state.withLock { state in
                state.ended = termination
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: termination) }
        }
        return child
    }

    /// Waits until the child has ended.
    public func wait() async -> Termination {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Termination? in
                if let ended = state.ended { return ended }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Sends `signal` to the child if it has not ended.
    public func kill(_ signal: Int32) {
        if ended == nil { _ = Glibc.kill(pid, signal) }
    }

    /// Runs `executable arguments` to its end, feeding it `input` (none: `/dev/null`); how it ended, its standard
    /// output and its standard error.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: [UInt8]? = nil) async throws -> (termination: Termination, output: [UInt8], errors: [UInt8]) {
        let output = try Self.pipe()
        let errors = try Self.pipe()
        let stdin = try input.map { _ in try Self.pipe() }
        let child: SpawnedChild
        do {
            child = try start(executable, arguments, environment: environment, standardInput: stdin?.read,
                              standardOutput: output.write, standardError: errors.write)
        } catch {
            for fd in [output.read, output.write, errors.read, errors.write, stdin?.read, stdin?.write].compactMap({ $0 }) {
                close(fd)
            }
            throw error
        }
        close(output.write)
        close(errors.write)
        if let stdin, let input {
            close(stdin.read)
            DispatchQueue.global().async {
                input.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = write(stdin.write, bytes.baseAddress! + offset, bytes.count - offset)
                        if written < 0 { if errno == EINTR { continue }; break }
                        offset += written
                    }
                }
                close(stdin.write)
            }
        }
        async let errorBytes = readToEnd(errors.read)
        let outputBytes = await readToEnd(output.read)
        let errorsRead = await errorBytes
        return (await child.wait(), outputBytes, errorsRead)
    }

    /// The blocking form of `run`, which uses no Swift concurrency (for code that cannot await, even on a thread of
    /// the cooperative pool): how the child ended (`nil`: it could not be started, and `errors` says why), its standard
    /// output and standard error.
    public static func runSynchronously(_ executable: String, _ arguments: [String], environment: [String: String]? = nil)
        -> (termination: Termination?, output: String, errors: String) {
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        let child: SpawnedChild
        do {
            output = try pipe()
            errors = try pipe()
            do {
                child = try start(executable, arguments, environment: environment, standardOutput: output.write,
                                  standardError: errors.write)
            } catch {
                for fd in [output.read, output.write, errors.read, errors.write] { close(fd) }
                throw error
            }
        } catch {
            return (nil, "", "\(error)")
        }
        close(output.write)
        close(errors.write)
        let collected = Mutex<[Int32: [UInt8]]>([:])
        let done = DispatchSemaphore(value: 0)
        for fd in [output.read, errors.read] {
            Thread.detachNewThread {
                let bytes = readAll(fd)
                collected.withLock { $0[fd] = bytes }
                done.signal()
            }
        }
        done.wait()
        done.wait()
        while child.ended == nil { usleep(1000) }
        let bytes = collected.withLock { $0 }
        return (child.ended, String(decoding: bytes[output.read] ?? [], as: UTF8.self),
                String(decoding: bytes[errors.read] ?? [], as: UTF8.self))
    }

    /// Reads `fd` until its writers close it (blocking the calling thread), then closes it.
    static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        close(fd)
        return bytes
    }

    /// A pipe whose two ends are closed on exec (a child gets only what `start` dups; `start` closes the rest anyway).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SpawnError(description: "pipe failed (errno \(errno))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Everything `fd` delivers until its writers close it, read on a thread of its own; closes `fd`.
    public static func readToEnd(_ fd: Int32) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: readAll(fd)) }
        }
    }

    /// Hands every chunk `fd` delivers to `chunk` (on a thread of its own) until its writers close it; closes `fd`.
    public static func stream(_ fd: Int32, _ chunk: @escaping @Sendable ([UInt8]) -> Void) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk(Array(buffer[..<count]))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
        }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not declare.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}
