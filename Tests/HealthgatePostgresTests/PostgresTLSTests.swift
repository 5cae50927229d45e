import Foundation
import HealthgateModel
import HealthgatePKI
@testable import HealthgatePostgres
import HealthgatePostgresTestSupport
import PostgresNIO
import HealthgateStorage
import Testing

/// `storage.tls.caBundle`: a replica reaches PostgreSQL over TLS, checking the server's certificate against the bundle;
/// a server whose certificate another CA issued is refused (no record is acknowledged over it).
@Suite("PostgreSQL over TLS", .serialized)
struct PostgresTLSTests {
    @Test("audit records and transfer claims go over TLS checked against the CA bundle; another CA's bundle is refused")
    func tls() async throws {
        guard let server = try await PostgresTestServer.start() else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hg-pg-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let ca = try DevCertificateAuthority(commonName: "database CA")
            let stranger = try DevCertificateAuthority(commonName: "another CA")
            let serverCertificate = try ca.issue(.server(commonName: "postgres-test"))
            try await server.enableTLS(certificatePEM: serverCertificate.certificatePEM, keyPEM: serverCertificate.privateKeyPEM)
            let bundle = try ca.write(to: folder, name: "db-ca").certificate.path
            let wrongBundle = try stranger.write(to: folder, name: "other-ca").certificate.path

            var settings = server.settings(replicaId: "replica-tls")
            settings.caBundlePath = bundle
            try await PostgresDatabase.migrate(settings)
            let pool = PostgresDatabase(settings: settings)
            let running = Task { try? await pool.run() }
            let log = PostgresAuditLog(database: pool, signer: .generate(.ed25519), commitDeadline: .seconds(5))
            let receipt = try await log.append(AuditRecord(
                time: Date(), requestID: "tls-1", caller: AuditCaller(subject: "CN=checkpoint", fingerprint: "-"),
                role: "checkpoint", route: "POST /v1/verify", outcome: .completed))
            #expect(receipt.seq == 1)
            #expect(try await PostgresTransferStore(database: pool).claim(requestID: UUID(), lease: .seconds(5)).isGranted)
            await log.close()
            running.cancel()
            await running.value
            // The server says whether the session is encrypted.
            let encrypted = try await Self.sessionIsEncrypted(settings)
            #expect(encrypted, "the connection with a CA bundle should be TLS")

            // The same server presented to a replica that trusts another CA: refused at the handshake.
            var wrong = settings
            wrong.caBundlePath = wrongBundle
            wrong.replicaId = "replica-wrong-ca"
            await #expect(throws: PostgresStoreError.self) { try await PostgresDatabase.migrate(wrong) }
            let wrongPool = PostgresDatabase(settings: wrong)
            let wrongRunning = Task { try? await wrongPool.run() }
            let refused = PostgresAuditLog(database: wrongPool, signer: nil, commitDeadline: .seconds(2))
            await #expect(throws: StorageError.self) {
                _ = try await refused.append(AuditRecord(
                    time: Date(), requestID: "tls-2", caller: AuditCaller(subject: "CN=checkpoint", fingerprint: "-"),
                    role: "checkpoint", route: "POST /v1/verify", outcome: .completed))
            }
            await refused.close()
            wrongRunning.cancel()
            await wrongRunning.value
        } catch {
            Issue.record("\(error)")
        }
        await server.stop()
    }

    /// Whether a fresh connection with `settings` is encrypted, as `pg_stat_ssl` reports it.
    static func sessionIsEncrypted(_ settings: PostgresSettings) async throws -> Bool {
        let archive = PostgresAuditArchive(settings: settings)
        return try await archive.withConnection("asking pg_stat_ssl") { connection in
            let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                                                  logger: archive.logger)
            for try await ssl in rows.decode(Bool.self) { return ssl }
            return false
        }
    }
}
