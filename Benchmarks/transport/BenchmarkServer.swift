import Foundation
import HealthgatePKI
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// The benchmark's mutual-TLS server: Hummingbird on 127.0.0.1 (ephemeral port), `GET /hello` answers 5 bytes.
enum BenchmarkServer {
    /// Runs the server presenting `certificate` and trusting client certificates from `ca`; calls `body` with the port.
    static func with<T: Sendable>(
        certificate: DevCertificate, ca: DevCertificateAuthority, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        var tls = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: [
                .certificate(try NIOSSLCertificate(bytes: Array(certificate.certificatePEM.utf8), format: .pem))
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)),
            trustRoots: .certificates([try NIOSSLCertificate(bytes: Array(ca.identity.certificatePEM.utf8), format: .pem)]))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .noHostnameVerification
        tls.shutdownTimeout = .milliseconds(200)

        let router = Router()
        router.get("hello") { _, _ in "hello" }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "transport-benchmark-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw CancellationError()
            }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}
