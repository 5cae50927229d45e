import Foundation
import HealthgatePKI
import Hummingbird
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// A Hummingbird HTTPS server on 127.0.0.1 (ephemeral port) that requires a client certificate from the test CA;
/// HTTP/1.1 only, or HTTP/2 offered through ALPN when `http2` is true.
///
/// Routes: `GET /hello`, `POST /echo`, `GET /slow` (answers after 30 s), `GET /hang` (signals `hangStarted`, then
/// never answers), `GET /endless` (chunked, without end), `GET /declared-large` (Content-Length 4 MiB).
enum TLSTestServer {
    /// Runs the server presenting `certificate`, calls `body` with its port, then stops the server.
    static func with<T: Sendable>(
        certificate: DevCertificate,
        clientCA: DevCertificateAuthority,
        hangStarted: AsyncStream<Void>.Continuation? = nil,
        http2: Bool = false,
        _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        var tls = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificate.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)),
            trustRoots: .certificates([
                try NIOSSLCertificate(bytes: Array(clientCA.identity.certificatePEM.utf8), format: .pem)
            ]))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .noHostnameVerification
        tls.shutdownTimeout = .milliseconds(200)  // curl does not answer close_notify on an idle pooled connection

        let router = Router()
        router.get("hello") { _, _ in "hello" }
        router.post("echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, body: ResponseBody(byteBuffer: body))
        }
        router.get("slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        router.get("hang") { _, _ -> String in
            hangStarted?.yield()
            try await Task.sleep(for: .seconds(60))
            return "never"
        }
        router.get("endless") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
                    // Stops when the client goes away (a write fails), or after 256 MiB at the latest.
                    for _ in 0..<4096 {
                        try await writer.write(chunk)
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("declared-large") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "b"), count: 4 << 20)))
        }

        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "transport-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: http2 ? try .http2Upgrade(tlsConfiguration: tls) : try .tls(.http1(), tlsConfiguration: tls),
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
