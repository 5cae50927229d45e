import Foundation
import HealthgateConfig
import Testing

/// `storage:`: SQLite by default, or PostgreSQL shared by the replicas of a city.
@Suite("configuration: storage")
struct StorageConfigTests {
    typealias Fixture = ConfigLoaderTests.Fixture

    /// The valid fixture with `lines` appended (a `storage:` section).
    static func yaml(_ lines: String) -> String { Fixture.valid + "\n" + lines }

    /// Loads `lines` appended to the valid fixture, with `environment`.
    static func load(_ lines: String, environment: [String: String] = [:], files: [String: String] = [:])
        throws -> GatewayConfiguration {
        let fixture = try Fixture()
        defer { fixture.remove() }
        for (name, text) in files {
            try text.write(to: fixture.directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try fixture.write(yaml(lines))
        return try ConfigLoader(environment: environment).load(path: fixture.path)
    }

    @Test("absent or kind: sqlite is SQLite, as before")
    func sqliteByDefault() throws {
        #expect(try Self.load("").storage == .sqlite)
        #expect(try Self.load("storage: {kind: sqlite}\n").storage == .sqlite)
    }

    @Test("postgres over TCP with a password file, TLS and a replica id")
    func postgresOverTCP() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try "s3cret\n".write(to: fixture.directory.appendingPathComponent("db.password"), atomically: true,
                             encoding: .utf8)
        try fixture.write(Self.yaml("""
            storage:
              kind: postgres
              host: db.internal
              port: 6432
              database: healthgate
              user: gateway
              passwordFile: db.password
              tls: {caBundle: pki/cities/shanghai/ca.pem}
              poolSize: 8
              replicaId: hz-gw-2

            """))
        let config = try ConfigLoader().load(path: fixture.path)
        let base = URL(fileURLWithPath: fixture.directory.path).standardizedFileURL.path
        guard case .postgres(let postgres) = config.storage else {
            Issue.record("expected postgres")
            return
        }
        #expect(postgres.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(postgres.database == "healthgate")
        #expect(postgres.user == "gateway")
        #expect(postgres.password == .file(base + "/db.password"))
        #expect(postgres.caBundlePath == base + "/pki/cities/shanghai/ca.pem")
        #expect(postgres.poolSize == 8)
        #expect(postgres.replicaId == "hz-gw-2")
    }

    @Test("postgres over a unix socket: port 5432 unneeded, password from the environment, replica id the host name")
    func postgresOverSocket() throws {
        let config = try Self.load("""
            storage:
              kind: postgres
              unixSocket: /var/run/postgresql/.s.PGSQL.5432
              database: healthgate
              user: gateway
              passwordEnv: HG_DB_PASSWORD

            """, environment: ["HG_DB_PASSWORD": "x"])
        guard case .postgres(let postgres) = config.storage else {
            Issue.record("expected postgres")
            return
        }
        #expect(postgres.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"))
        #expect(postgres.password == .environment("HG_DB_PASSWORD"))
        #expect(postgres.poolSize == 4)
        #expect(postgres.replicaId == ProcessInfo.processInfo.hostName)
    }

    @Test("each rule names its key", arguments: [
        ("storage: {kind: mysql}", "storage.kind"),
        ("storage: {kind: sqlite, host: db}", "storage.host"),
        ("storage: {kind: sqlite, replicaId: a}", "storage.replicaId"),
        ("storage: {kind: postgres, database: d, user: u, replicaId: a}", "storage.host"),
        ("storage: {kind: postgres, host: db, unixSocket: /s, database: d, user: u, replicaId: a}", "storage.host"),
        ("storage: {kind: postgres, host: db, port: 70000, database: d, user: u, replicaId: a}", "storage.port"),
        ("storage: {kind: postgres, unixSocket: /s, port: 5432, database: d, user: u, replicaId: a}", "storage.port"),
        ("storage: {kind: postgres, host: db, user: u, replicaId: a}", "storage.database"),
        ("storage: {kind: postgres, host: db, database: \"\", user: u, replicaId: a}", "storage.database"),
        ("storage: {kind: postgres, host: db, database: d, replicaId: a}", "storage.user"),
        ("storage: {kind: postgres, host: db, database: d, user: u, passwordFile: nowhere, replicaId: a}",
         "storage.passwordFile"),
        ("storage: {kind: postgres, host: db, database: d, user: u, passwordEnv: HG_UNSET_VARIABLE, replicaId: a}",
         "storage.passwordEnv"),
        ("storage: {kind: postgres, host: db, database: d, user: u, passwordEnv: A, passwordFile: f, replicaId: a}",
         "storage.passwordFile"),
        ("storage: {kind: postgres, host: db, database: d, user: u, tls: {}, replicaId: a}", "storage.tls.caBundle"),
        ("storage: {kind: postgres, host: db, database: d, user: u, tls: {caBundle: nowhere.pem}, replicaId: a}",
         "storage.tls.caBundle"),
        ("storage: {kind: postgres, host: db, database: d, user: u, tls: {caBundle: pseudonym.key}, replicaId: a}",
         "storage.tls.caBundle"),
        ("storage: {kind: postgres, unixSocket: /s, database: d, user: u, tls: {caBundle: pki/cities/shanghai/ca.pem}, replicaId: a}",
         "storage.tls"),
        ("storage: {kind: postgres, host: db, database: d, user: u, poolSize: 0, replicaId: a}", "storage.poolSize"),
        ("storage: {kind: postgres, host: db, database: d, user: u, poolSize: 65, replicaId: a}", "storage.poolSize"),
        ("storage: {kind: postgres, host: db, database: d, user: u, replicaId: \"hz gw/1\"}", "storage.replicaId"),
        ("storage: {kind: postgres, host: db, database: d, user: u, replicaId: \"\"}", "storage.replicaId"),
        ("storage: {kind: postgres, host: db, database: d, user: u, replicaId: a, pasword: x}", "storage.pasword"),
        ("storage: {kind: postgres, host: db, database: d, user: u, replicaId: a, tls: {ca: x}}", "storage.tls.ca"),
    ])
    func refused(line: String, path: String) throws {
        do {
            _ = try Self.load(line + "\n", environment: ["A": "x"])
            Issue.record("an invalid storage loaded: \(line)")
        } catch let error as ConfigValidationError {
            #expect(error.issues.map(\.path).contains(path), "\(error.issues.map(\.path))")
        }
    }
}
