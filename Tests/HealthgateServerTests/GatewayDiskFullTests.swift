import Foundation
import HealthgateChildProcess
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A private mount namespace with a small tmpfs (`unshare -m`, `mount -t tmpfs`, `nsenter`): what the disk-full test
/// needs, and whether this machine allows it.
enum MountNamespace {
    /// `unshare`, or `nil` when it is not installed.
    static let unshare = tool("unshare")
    /// `nsenter`, or `nil` when it is not installed.
    static let nsenter = tool("nsenter")

    /// Why a tmpfs cannot be mounted in a private mount namespace here, or `nil` when it can (probed once).
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "not root" }
        guard let unshare else { return "no unshare in PATH" }
        guard nsenter != nil else { return "no nsenter in PATH" }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hg-ns-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil else {
            return "cannot create a temp dir"
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = run(unshare, ["-m", "--propagation", "private", "/bin/sh", "-c",
                                   "mount -t tmpfs -o size=1m tmpfs \"$1\" && touch \"$1/probe\"", "sh", directory.path])
        guard result.status == 0 else { return "unshare -m / mount -t tmpfs failed: \(result.output)" }
        guard !FileManager.default.fileExists(atPath: directory.appendingPathComponent("probe").path) else {
            return "the tmpfs mount was not private to its namespace"
        }
        return nil
    }()

    static var available: Bool { unavailableReason == nil }

    /// The executable called `name` in PATH (or /usr/bin, /bin, /usr/sbin, /sbin).
    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs a tool to its end (blocking: call from a dispatch queue or a static initialiser); exit status and output.
    static func run(_ tool: URL, _ arguments: [String]) -> (status: Int32, output: String) {
        let (termination, output, errors) = SpawnedChild.runSynchronously(tool.path, arguments)
        return (termination?.status ?? -1, output + errors)
    }

    /// `sh -c script` run inside the mount namespace of process `pid`, off the cooperative pool.
    static func shell(inNamespaceOf pid: Int32, _ script: String, _ arguments: [String]) async -> (status: Int32, output: String) {
        guard let nsenter else { return (-1, "no nsenter") }
        return await withCheckedContinuation { continuation in
            DispatchQueue(label: "test.nsenter").async {
                continuation.resume(returning: run(nsenter, ["--target", "\(pid)", "--mount", "--", "/bin/sh", "-c", script, "sh"]
                                                            + arguments))
            }
        }
    }
}

/// A `sleep` that has joined another process's mount namespace (`nsenter --mount`), keeping it alive.
final class NamespaceHolder: Sendable {
    let pid: Int32
    private let termination: GatewayProcess.TerminationBox

    private init(pid: Int32, termination: GatewayProcess.TerminationBox) {
        self.pid = pid
        self.termination = termination
    }

    deinit { kill() }

    /// Starts the holder and waits until it is in the mount namespace of `target`.
    static func start(joining target: Int32) async throws -> NamespaceHolder {
        guard let nsenter = MountNamespace.nsenter else { throw GatewayProcessError(description: "no nsenter") }
        let process = try SpawnedChild.start(nsenter.path, ["--target", "\(target)", "--mount", "--", "sleep", "300"])
        let termination = GatewayProcess.TerminationBox()
        Task {
            let ended = await process.wait()
            termination.withLock { $0 = .exited(ended.status) }
        }
        let holder = NamespaceHolder(pid: process.pid, termination: termination)
        let wanted = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(target)/ns/mnt")
        let until = ContinuousClock.now + .seconds(10)
        while (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(holder.pid)/ns/mnt")) != wanted {
            if termination.withLock({ $0 != nil }) || ContinuousClock.now > until {
                throw GatewayProcessError(description: "nsenter did not join the gateway's mount namespace")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return holder
    }

    /// Ends the holder (SIGKILL) if it still runs.
    func kill() {
        if termination.withLock({ $0 == nil }) { Glibc.kill(pid, SIGKILL) }
    }
}

/// The gateway as a real `healthgate serve` process whose database folder is a 4 MiB tmpfs in a private mount
/// namespace: with the tmpfs full, verify answers 503 `audit-unavailable` and no result; once space is freed it answers
/// again without a restart, and the chain holds exactly the answered requests.
@Suite("gateway process: disk full")
struct GatewayDiskFullTests {
    @Test("a full disk under the database makes verify answer 503 audit-unavailable with no result; freeing space recovers without a restart",
          .enabled(if: GatewayExecutable.url != nil,
                   "needs the built healthgate executable (.build/debug/healthgate): run `swift build` first"),
          .enabled(if: MountNamespace.available,
                   "needs root, unshare -m, mount -t tmpfs and nsenter (a private mount namespace with a small tmpfs)"),
          .timeLimit(.minutes(2)))
    func fullTmpfsThenRecovery() async throws {
        let executable = try #require(GatewayExecutable.url)
        let unshare = try #require(MountNamespace.unshare)
        let cities = try await CityFederation.start(database: "db/healthgate.sqlite")
        let client = try cities.makeClient()
        var gateway: GatewayProcess?
        defer { gateway?.kill(SIGKILL) }
        do {
            let folder = URL(fileURLWithPath: cities.databasePath).deletingLastPathComponent().path
            // The launcher mounts the tmpfs over the (empty) database folder, then becomes the gateway: one pid.
            let child = try await GatewayProcess.start(
                unshare,
                arguments: ["-m", "--propagation", "private", "/bin/sh", "-c",
                            "mount -t tmpfs -o size=4m tmpfs \"$1\" && exec \"$2\" serve --config \"$3\"",
                            "sh", folder, executable.path, cities.configPath],
                name: "gateway", in: cities.directory)
            gateway = child
            let answeredIDs = try await Self.fillAndRecover(cities: cities, client: client, gateway: child, folder: folder)

            // The tmpfs goes away with the namespace's last process: a holder keeps it while the gateway stops cleanly
            // and the file is copied out. (SQLite resolves symbolic links in a path, and /proc/<pid>/root reads as "/",
            // so opening the file through it would open the host's path instead.)
            let holder = try await NamespaceHolder.start(joining: child.pid)
            defer { holder.kill() }
            let stopped = await child.stop()
            #expect(stopped == .exited(0), "graceful stop: \(String(describing: stopped))\n\(child.logTail())")
            let copy = cities.directory.appendingPathComponent("copy")
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
            let copied = await MountNamespace.shell(inNamespaceOf: holder.pid, "cp -a \"$1\"/. \"$2\"/",
                                                    [folder, copy.path])
            #expect(copied.status == 0, "cp: \(copied.output)")
            holder.kill()
            try await Self.checkChain(copy.appendingPathComponent("healthgate.sqlite").path, answeredIDs: answeredIDs,
                                      keyPath: cities.auditKeyPath)
        } catch {
            Issue.record("\(error)\n\(gateway?.logTail() ?? "")")
        }
        if let gateway { await gateway.stop(grace: .seconds(5)) }
        client.shutdown()
        await cities.stop()
    }

    /// The copied database: sound, its chain valid under the gateway's key, and holding exactly the answered requests.
    static func checkChain(_ path: String, answeredIDs: [String], keyPath: String) async throws {
        let database = try await StorageDatabase.open(path: path)
        #expect(try await database.integrityCheck() == ["ok"])
        let log = AuditLog(database: database, signer: nil)
        let head = try await log.head()
        let entries = head.seq > 0 ? try await log.entries(seq: 1...head.seq) : []
        #expect(entries.map(\.record.requestID) == answeredIDs,
                "records: \(entries.count), answered: \(answeredIDs.count) (withheld answers must leave no record)")
        let key = try AuditSigner(pemFile: keyPath).publicKey
        let report = try await AuditVerifier(database: database).verify(publicKey: key)
        #expect(report.isValid, "\(report.problems.prefix(3))")
        #expect(report.recordsChecked == answeredIDs.count)
        await log.close()
        await database.close()
    }

    /// The keys a problem+json body may have: nothing of a verification result.
    static let problemKeys: Set<String> = ["type", "title", "status", "detail"]

    /// Fills the tmpfs, checks that verify is withheld, frees it, checks that verify recovers; the request ids answered.
    static func fillAndRecover(cities: CityFederation, client: CurlHTTPClient, gateway: GatewayProcess, folder: String)
        async throws -> [String] {
        // The database lives on the namespace's tmpfs (seen through /proc/<pid>/root), not in the host's folder.
        let inside = "/proc/\(gateway.pid)/root"
        let mounts = try String(contentsOfFile: "/proc/\(gateway.pid)/mountinfo", encoding: .utf8)
        #expect(mounts.split(separator: "\n").contains { $0.contains(" \(folder) ") && $0.contains(" - tmpfs ") },
                "no tmpfs on \(folder) in the gateway's namespace")
        #expect(FileManager.default.fileExists(atPath: inside + cities.databasePath))
        #expect(!FileManager.default.fileExists(atPath: cities.databasePath), "the database is on the host's disk, not the tmpfs")

        let hz = cities.federation.hangzhou
        let sh = cities.federation.shanghai
        let green = try hz.issueCode(for: "green-R00")
        var answeredIDs: [String] = []

        func expectAnswered(_ qr: String, status: Int, _ note: String) async throws {
            let response = try await cities.verify(qr, client: client, port: gateway.port)
            #expect(response.status == status, "\(note): \(String(decoding: response.body, as: UTF8.self))\n\(gateway.logTail(lines: 10))")
            let id = response.headers["X-Request-Id"]
            #expect(id != nil, "\(note): no X-Request-Id")
            if let id { answeredIDs.append(id) }
        }

        try await expectAnswered(green, status: 200, "before the disk is full")

        // Fill the tmpfs from inside the namespace.
        let fill = await MountNamespace.shell(inNamespaceOf: gateway.pid,
                                              "dd if=/dev/zero of=\"$1/filler\" bs=64k 2>&1; exit 0", [folder])
        var space = statvfs()
        #expect(statvfs(inside + folder, &space) == 0)
        #expect(space.f_bavail == 0, "the tmpfs is not full: \(space.f_bavail) blocks free; dd said \(fill.output)")

        // Full: every request, cache hit, fresh code or refusal, is withheld: 503 audit-unavailable, no result.
        let whileFull = [("a cache hit", green), ("a fresh Shanghai code", try sh.issueCode(for: "yellow-keyarea")),
                         ("a malformed code", "hello world"), ("the cache hit again", green)]
        for (note, qr) in whileFull {
            let response = try await cities.verify(qr, client: client, port: gateway.port)
            #expect(response.status == 503, "\(note) while full: \(response.status) \(String(decoding: response.body, as: UTF8.self))")
            #expect(response.headers["Content-Type"] == "application/problem+json", "\(note)")
            #expect(response.headers["X-Request-Id"] == nil, "\(note): a request id was handed out without a record")
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(note)")
            #expect(problem["type"] as? String == "audit-unavailable", "\(note)")
            #expect(problem["status"] as? Int == 503, "\(note)")
            #expect(Set(problem.keys).isSubset(of: Self.problemKeys), "\(note): result fields leaked: \(problem.keys.sorted())")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(!text.contains("hg1:") && !text.contains("green") && !text.contains("yellow"), "\(note): \(text)")
        }
        #expect(gateway.ended == nil, "the gateway died on the full disk: \(gateway.logTail())")

        // Space again: the next requests are answered and audited, without a restart.
        let free = await MountNamespace.shell(inNamespaceOf: gateway.pid, "rm -f \"$1/filler\"", [folder])
        #expect(free.status == 0, "rm: \(free.output)")
        try await expectAnswered(green, status: 200, "the cache hit after space was freed")
        try await expectAnswered(try sh.issueCode(for: "yellow-keyarea"), status: 200, "a fresh code after space was freed")
        try await expectAnswered("hello world", status: 400, "a malformed code after space was freed")

        return answeredIDs
    }
}
