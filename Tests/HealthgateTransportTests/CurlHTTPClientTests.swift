import Foundation
import HealthgatePKI
import HealthgateTransport
import Testing

@Suite("libcurl transport against a real mutual-TLS server")
struct CurlHTTPClientTests {
    @Test("a request with a client certificate succeeds, and sequential requests share one connection")
    func success() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let endpoint = pki.endpoint(port: port)
            let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.headers["content-length"] == "5")

            let body = Array("{\"qr\":\"x\"}".utf8)
            for _ in 0..<5 {
                let echoed = try await client.send(
                    TransportRequest(
                        method: .post, path: "/echo", headers: ["Content-Type": "application/json"], body: body),
                    endpoint: endpoint)
                #expect(echoed.status == 200)
                #expect(echoed.body == body)
            }
            let counts = client.counters.byEndpoint[endpoint.endpointName]
            #expect(counts?.requests == 6)
            #expect(counts?.responses == 6)
            #expect(counts?.newConnections == 1)
            #expect(counts?.tlsHandshakes == 1)
        }
    }

    @Test("an unknown path is a response, not an error")
    func notFound() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let response = try await client.send(TransportRequest(path: "/nothing"), endpoint: pki.endpoint(port: port))
            #expect(response.status == 404)
        }
    }

    @Test("the server requires a client certificate and none is configured: handshake failure")
    func noClientCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let (error, port) = try await Self.failedRequest(pki: pki, withClientCertificate: false)
        #expect(error?.code == .tlsHandshakeFailed)
        #expect(error?.endpoint == "127.0.0.1:\(port)")
        #expect(error?.reason.isEmpty == false)
    }

    @Test("a client certificate from a CA the server does not trust: handshake failure")
    func untrustedClientCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let otherCA = try DevCertificateAuthority(commonName: "stranger CA")
        let stranger = try otherCA.issue(.client(commonName: "gateway-999999"))
        let files = try stranger.write(to: pki.directory, name: "stranger")
        let (error, _) = try await Self.failedRequest(pki: pki) { endpoint in
            endpoint.clientCertificateFile = files.certificate.path
            endpoint.clientKeyFile = files.privateKey.path
        }
        #expect(error?.code == .tlsHandshakeFailed)
    }

    @Test("a server certificate from an untrusted CA is rejected")
    func untrustedServerCA() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let otherCA = try DevCertificateAuthority(commonName: "stranger CA")
        let server = try otherCA.issue(.server(commonName: "impostor"))
        let (error, _) = try await Self.failedRequest(pki: pki, serverCertificate: server)
        #expect(error?.code == .peerCertificateRejected)
        #expect(error?.isTransient == false)
    }

    @Test("an expired server certificate is rejected")
    func expiredServerCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try pki.ca.issue(
            LeafCertificateRequest(
                commonName: "expired", purposes: [.serverAuth], notBefore: Date().addingTimeInterval(-7200),
                notAfter: Date().addingTimeInterval(-3600)))
        let (error, _) = try await Self.failedRequest(pki: pki, serverCertificate: server)
        #expect(error?.code == .peerCertificateRejected)
        #expect(error?.reason.contains("expired") == true)
    }

    @Test("a not-yet-valid server certificate is rejected")
    func notYetValidServerCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try pki.ca.issue(
            LeafCertificateRequest(
                commonName: "future", purposes: [.serverAuth], notBefore: Date().addingTimeInterval(3600),
                notAfter: Date().addingTimeInterval(7200)))
        let (error, _) = try await Self.failedRequest(pki: pki, serverCertificate: server)
        #expect(error?.code == .peerCertificateRejected)
    }

    @Test("a server certificate for another host name is rejected")
    func hostNameMismatch() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try pki.ca.issue(
            LeafCertificateRequest(
                commonName: "elsewhere", dnsNames: ["elsewhere.example"], ipAddresses: ["10.9.9.9"],
                purposes: [.serverAuth]))
        let (error, _) = try await Self.failedRequest(pki: pki, serverCertificate: server)
        #expect(error?.code == .peerCertificateRejected)
    }

    @Test("a matching SPKI pin succeeds; another key's pin fails with pinMismatch")
    func pinning() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let other = try pki.ca.issue(.server(commonName: "other"))
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            var endpoint = pki.endpoint(port: port)
            endpoint.pinnedPublicKey = pki.server.spkiPin
            let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(response.status == 200)

            var wrong = pki.endpoint(port: port)
            wrong.pinnedPublicKey = other.spkiPin
            wrong.requestTimeout = .seconds(9)  // a different TLS setting: curl must not reuse the pinned connection
            let error = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/hello"), endpoint: wrong)
            }
            #expect(error?.code == .pinMismatch)
        }
    }

    @Test("an encrypted client key opens with the passphrase from the named environment variable")
    func encryptedKey() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        // A variable the process already has, its value the passphrase: setenv while other suites spawn child
        // processes races with their copy of the environment (Foundation's Process.run reads it unlocked).
        let environment = ProcessInfo.processInfo.environment
        let variable = try #require(["PATH", "HOME", "PWD"].first { !(environment[$0] ?? "").isEmpty })
        let passphrase = try #require(environment[variable])
        let keyFile = try pki.client.writeEncryptedKey(to: pki.directory, name: "client", passphrase: passphrase)
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            var endpoint = pki.endpoint(port: port)
            endpoint.clientKeyFile = keyFile.path
            endpoint.keyPassphraseEnvironmentVariable = variable
            let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(response.status == 200)

            endpoint.keyPassphraseEnvironmentVariable = variable + "_UNSET"
            let error = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            }
            #expect(error?.code == .localCredentialsInvalid)
        }
    }

    @Test("nothing listening: connectFailed, transient")
    func connectFailed() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: TransportError.self) {
            try await client.send(TransportRequest(path: "/hello"), endpoint: pki.endpoint(port: 1))
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.isTransient == true)
        #expect(error?.endpoint == "127.0.0.1:1")
    }

    @Test("a slow server runs into the request deadline")
    func deadline() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            var endpoint = pki.endpoint(port: port)
            endpoint.requestTimeout = .milliseconds(500)
            let error = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/slow"), endpoint: endpoint)
            }
            #expect(error?.code == .timeout)
            #expect(error?.isTransient == true)
        }
    }

    @Test("an endless body and an oversized Content-Length abort with responseTooLarge")
    func tooLarge() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            var endpoint = pki.endpoint(port: port)
            endpoint.maxResponseBytes = 100_000
            let endless = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/endless"), endpoint: endpoint)
            }
            #expect(endless?.code == .responseTooLarge)
            let declared = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/declared-large"), endpoint: endpoint)
            }
            #expect(declared?.code == .responseTooLarge)
            // The client is still usable afterwards.
            let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(response.status == 200)
        }
    }

    @Test("cancelling the task aborts a transfer in flight")
    func cancellation() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca, hangStarted: startedContinuation) {
            port in
            let endpoint = pki.endpoint(port: port)
            let task = Task { () async throws(TransportError) -> TransportResponse in
                try await client.send(TransportRequest(path: "/hang"), endpoint: endpoint)
            }
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()  // the server has the request
            task.cancel()
            let result = await task.result
            #expect(throws: TransportError(.cancelled, endpoint: endpoint.endpointName, reason: "")) {
                try result.get()
            }
            let counts = client.counters.total
            #expect(counts.failures == 1)
        }
    }

    @Test("a task cancelled before sending fails with cancelled without a transfer")
    func cancelledBeforeStart() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let endpoint = pki.endpoint(port: 1)
        let task = Task { () async throws(TransportError) -> TransportResponse in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
        }
        let result = await task.result
        #expect(throws: TransportError(.cancelled, endpoint: endpoint.endpointName, reason: "")) { try result.get() }
        #expect(client.counters.total.newConnections == 0)
    }

    @Test("200 concurrent requests complete over a handful of reused connections")
    func concurrency() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 6))
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let endpoint = pki.endpoint(port: port)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            let counts = try #require(client.counters.byEndpoint[endpoint.endpointName])
            #expect(counts.responses == 200)
            #expect(counts.newConnections >= 1)
            #expect(counts.newConnections <= 6)
            #expect(counts.tlsHandshakes == counts.newConnections)
        }
    }

    @Test("2000 requests in flight at once all complete, queued behind the per-host connection limit")
    func thousandsInFlight() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 8))
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            var patient = pki.endpoint(port: port)
            patient.requestTimeout = .seconds(60)  // queueing counts toward the deadline
            let endpoint = patient
            let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<2000 {
                    group.addTask {
                        try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint).status == 200
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(ok == 2000)
            let counts = try #require(client.counters.byEndpoint[endpoint.endpointName])
            #expect(counts.newConnections <= 8)
        }
    }

    @Test("over HTTP/2 (ALPN), concurrent requests are multiplexed on one connection")
    func http2Multiplexing() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca, http2: true) { port in
            let endpoint = pki.endpoint(port: port)
            // 80 at once: below the server's limit of 100 concurrent streams per connection (NIO's default).
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<80 {
                    group.addTask {
                        let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
                        return response.status == 200 ? response.httpVersion : 0
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(versions.count == 80)
            #expect(versions.allSatisfy { $0 == 2 })
            let counts = try #require(client.counters.byEndpoint[endpoint.endpointName])
            #expect(counts.http2Responses == 80)
            #expect(counts.newConnections == 1)
            #expect(counts.tlsHandshakes == 1)
        }
    }

    @Test("two TLS identities to the same server never share a connection")
    func identitiesDoNotShareConnections() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let second = try pki.ca.issue(.client(commonName: "gateway-110000")).write(to: pki.directory, name: "second")
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let first = pki.endpoint(port: port)
            var other = first
            other.clientCertificateFile = second.certificate.path
            other.clientKeyFile = second.privateKey.path
            for _ in 0..<3 {
                _ = try await client.send(TransportRequest(path: "/hello"), endpoint: first)
                _ = try await client.send(TransportRequest(path: "/hello"), endpoint: other)
            }
            // Same host:port, so one counter; one connection per identity, each reused twice.
            #expect(client.counters.total.responses == 6)
            #expect(client.counters.total.newConnections == 2)
        }
    }

    @Test("a header or path with CR/LF is refused before any I/O")
    func headerInjection() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let endpoint = pki.endpoint(port: 1)
        let header = await #expect(throws: TransportError.self) {
            try await client.send(
                TransportRequest(path: "/hello", headers: ["X-SSM-Caller": "310000\r\nX-Evil: 1"]), endpoint: endpoint)
        }
        #expect(header?.code == .invalidRequest)
        let path = await #expect(throws: TransportError.self) {
            try await client.send(TransportRequest(path: "/hello HTTP/1.1\r\nHost: x"), endpoint: endpoint)
        }
        #expect(path?.code == .invalidRequest)
        #expect(client.counters.total.requests == 0)
    }

    @Test("a plain http endpoint is refused before any I/O")
    func httpsOnly() async throws {
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        let endpoint = EndpointConfiguration(baseURL: URL(string: "http://127.0.0.1:1")!, trustedCAFile: "/nonexistent")
        let error = await #expect(throws: TransportError.self) {
            try await client.send(TransportRequest(path: "/"), endpoint: endpoint)
        }
        #expect(error?.code == .invalidRequest)
    }
}

extension CurlHTTPClientTests {
    /// Sends `GET /hello` to a real mTLS server presenting `serverCertificate` (default: the PKI's server certificate),
    /// through an endpoint `configure` may change, and returns the error the request must fail with, and the port.
    static func failedRequest(
        pki: TestPKI, serverCertificate: DevCertificate? = nil, withClientCertificate: Bool = true,
        configure: @Sendable (inout EndpointConfiguration) -> Void = { _ in }
    ) async throws -> (TransportError?, Int) {
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        return try await TLSTestServer.with(certificate: serverCertificate ?? pki.server, clientCA: pki.ca) { port in
            var endpoint = pki.endpoint(port: port, withClientCertificate: withClientCertificate)
            configure(&endpoint)
            let error = await #expect(throws: TransportError.self) {
                try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            }
            return (error, port)
        }
    }
}
