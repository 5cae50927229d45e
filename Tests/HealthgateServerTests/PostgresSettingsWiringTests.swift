import Foundation
import HealthgateConfig
import HealthgatePostgres
@testable import HealthgateServer
import Testing

/// `storage: postgres` as `LiveGateway` turns it into connection settings: the password read from its file (first
/// line) or variable when the gateway starts, never kept in the configuration snapshot.
@Suite("LiveGateway: PostgreSQL settings")
struct PostgresSettingsWiringTests {
    @Test("a password file's first line, the endpoint, TLS bundle, pool size and replica id carry over")
    func passwordFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hg-pw-\(UUID().uuidString)")
        try "s3cret\nignored\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = try LiveGateway.postgresSettings(PostgresConfiguration(
            endpoint: .tcp(host: "db.internal", port: 6432), database: "healthgate", user: "gateway",
            password: .file(file.path), caBundlePath: "/etc/db-ca.pem", poolSize: 8, replicaId: "hz-gw-2"))
        #expect(settings.password == "s3cret")
        #expect(settings.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(settings.caBundlePath == "/etc/db-ca.pem")
        #expect(settings.poolSize == 8)
        #expect(settings.replicaId == "hz-gw-2")
    }

    @Test("no password over a unix socket; an unreadable password file is a postgres-settings error")
    func socketAndUnreadable() throws {
        let socket = try LiveGateway.postgresSettings(PostgresConfiguration(
            endpoint: .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"), database: "d", user: "u", replicaId: "a"))
        #expect(socket.password == nil)
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        let error = #expect(throws: PostgresStoreError.self) {
            try LiveGateway.postgresSettings(PostgresConfiguration(
                endpoint: .tcp(host: "db", port: 5432), database: "d", user: "u", password: .file("/nonexistent/pw"),
                replicaId: "a"))
        }
        #expect(error?.code == .settings)
    }
}
