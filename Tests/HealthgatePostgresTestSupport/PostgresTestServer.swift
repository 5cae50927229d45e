import Foundation
import HealthgateChildProcess
import HealthgatePostgres

/// A throwaway PostgreSQL server for one test: `initdb` into a temporary folder and `pg_ctl start`, listening on
/// 127.0.0.1 on a free port and on a unix socket in that folder; `stop()` ends it and removes the folder.
///
/// PostgreSQL refuses to run as root (as CI and the development machines do): there the folder is given to the
/// `postgres` user (which Debian's `postgresql` package creates) and each binary runs through `runuser -u postgres --`.
/// `start()` returns `nil` with a printed reason only when the binaries (or that user) are missing.
public final class PostgresTestServer: Sendable {
    public let binaries: URL
    public let folder: URL
    public let port: Int
    public let runAsPostgres: Bool

    public var dataFolder: URL { folder.appendingPathComponent("data") }
    /// The unix socket file the server listens on.
    public var socketPath: String { folder.appendingPathComponent(".s.PGSQL.\(port)").path }

    private init(binaries: URL, folder: URL, port: Int, runAsPostgres: Bool) {
        self.binaries = binaries
        self.folder = folder
        self.port = port
        self.runAsPostgres = runAsPostgres
    }

    /// Settings for a replica named `replicaId` connecting as the superuser `postgres` (trust authentication), over
    /// TCP or the unix socket.
    public func settings(replicaId: String, unixSocket: Bool = false) -> PostgresSettings {
        PostgresSettings(endpoint: unixSocket ? .unixSocket(path: socketPath) : .tcp(host: "127.0.0.1", port: port),
                         database: "postgres", user: "postgres", replicaId: replicaId)
    }

    /// Where the PostgreSQL server binaries are: the newest `/usr/lib/postgresql/<version>/bin`, else `PATH`.
    public static func findBinaries() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions {
            let bin = root.appendingPathComponent("\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path) { return bin }
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let bin = URL(fileURLWithPath: String(folder))
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path),
               FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }

    /// Initialises and starts a server, or returns `nil` (printing why) where PostgreSQL is not installed.
    public static func start() async throws -> PostgresTestServer? {
        guard let binaries = findBinaries() else {
            print("PostgreSQL tests skipped: no initdb/pg_ctl (install Debian's postgresql package)")
            return nil
        }
        let runAsPostgres = getuid() == 0
        if runAsPostgres, getpwnam("postgres") == nil {
            print("PostgreSQL tests skipped: running as root and there is no postgres user to run the server as")
            return nil
        }
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("hg-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = PostgresTestServer(binaries: binaries, folder: folder, port: try freePort(),
                                        runAsPostgres: runAsPostgres)
        do {
            if runAsPostgres { try await server.check(URL(fileURLWithPath: "/bin/chown"), ["postgres:", folder.path]) }
            try await server.pg("initdb", ["-D", server.dataFolder.path, "-U", "postgres", "-A", "trust",
                                           "-E", "UTF8", "--no-sync"])
            try await server.startAgain()
        } catch {
            server.remove()
            throw error
        }
        return server
    }

    /// Starts the (stopped) server again on the same port and socket.
    public func startAgain() async throws {
        try await pg("pg_ctl", ["start", "-w", "-t", "30", "-D", dataFolder.path,
                                "-l", folder.appendingPathComponent("server.log").path,
                                "-o", "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder.path) -c fsync=off"])
    }

    /// Turns TLS on (without a restart): `certificatePEM` and `keyPEM` become the server's certificate and key. Clients
    /// over TCP may then ask for TLS; the unix socket stays plain.
    public func enableTLS(certificatePEM: String, keyPEM: String) async throws {
        let certificate = folder.appendingPathComponent("server.crt")
        let key = folder.appendingPathComponent("server.key")
        try certificatePEM.write(to: certificate, atomically: true, encoding: .utf8)
        try keyPEM.write(to: key, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        if runAsPostgres {
            try await check(URL(fileURLWithPath: "/bin/chown"), ["postgres:", certificate.path, key.path])
        }
        try await execute("ALTER SYSTEM SET ssl_cert_file = '\(certificate.path)'")
        try await execute("ALTER SYSTEM SET ssl_key_file = '\(key.path)'")
        try await execute("ALTER SYSTEM SET ssl = on")
        try await execute("SELECT pg_reload_conf()")
    }

    /// Runs `sql` with `psql` as the superuser (tests that tamper with rows, as an attacker with database access would).
    public func execute(_ sql: String) async throws {
        try await pg("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", folder.path, "-p", "\(port)", "-U", "postgres",
                              "-d", "postgres", "-c", sql])
    }

    /// Stops the server at once (as a crash would), keeping its folder.
    public func halt() async throws {
        try await pg("pg_ctl", ["stop", "-w", "-m", "immediate", "-D", dataFolder.path])
    }

    /// Stops the server and removes its folder.
    public func stop() async {
        try? await halt()
        remove()
    }

    private func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Runs a PostgreSQL binary (as `postgres` when we are root); throws with its output when it fails.
    private func pg(_ name: String, _ arguments: [String]) async throws {
        let binary = binaries.appendingPathComponent(name).path
        if runAsPostgres {
            try await check(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--", binary] + arguments)
        } else {
            try await check(URL(fileURLWithPath: binary), arguments)
        }
    }

    /// Runs a process to its end, its output appended to `commands.log`; throws when it exits non-zero.
    ///
    /// `SpawnedChild` rather than `Process`: `pg_ctl start` leaves a daemon behind, which must inherit neither the
    /// test process's descriptors (listening sockets, other children's pipes) nor a pipe this waits on.
    private func check(_ executable: URL, _ arguments: [String]) async throws {
        let log = folder.appendingPathComponent("commands.log").path
        let fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PostgresTestServerError(message: "cannot open \(log)") }
        let termination: SpawnedChild.Termination
        do {
            let child = try SpawnedChild.start(executable.path, arguments, standardOutput: fd, standardError: fd)
            close(fd)
            termination = await child.wait()
        } catch {
            close(fd)
            throw PostgresTestServerError(message: "cannot run \(executable.path): \(error)")
        }
        guard termination == .exited(0) else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw PostgresTestServerError(message: "\(executable.lastPathComponent) \(arguments.first ?? "") "
                                          + "\(termination): \(output.suffix(2000))")
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresTestServerError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PostgresTestServerError(message: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the test server could not be started.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
