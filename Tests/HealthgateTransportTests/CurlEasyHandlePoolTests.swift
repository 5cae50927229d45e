import Foundation
import HealthgatePKI
import Testing
@testable import HealthgateTransport

/// Easy handles are reset and reused between requests, and a reused handle carries nothing of the previous request.
@Suite("libcurl easy handle reuse")
struct CurlEasyHandlePoolTests {
    @Test("sequential requests reuse one handle; a reused handle sends only its own request's headers and body")
    func reuse() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let endpoint = pki.endpoint(port: port)
            let first = try await client.send(
                TransportRequest(method: .post, path: "/echo", headers: ["Content-Type": "application/json"],
                                 body: Array("{\"first\":1}".utf8)), endpoint: endpoint)
            #expect(first.body == Array("{\"first\":1}".utf8))
            #expect(client.handles.idleCount == 1)
            // A GET after a POST on the same (reset) handle: no body, no leftover method.
            let second = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(second.status == 200)
            #expect(String(decoding: second.body, as: UTF8.self) == "hello")
            for n in 0..<20 {
                let body = Array("{\"n\":\(n)}".utf8)
                let echoed = try await client.send(
                    TransportRequest(method: .post, path: "/echo", headers: ["Content-Type": "application/json"], body: body),
                    endpoint: endpoint)
                #expect(echoed.body == body)
            }
            #expect(client.handles.idleCount == 1)
            #expect(client.counters.total.newConnections == 1)
            // A failure (nothing listening) also gives its handle back, and the next request still works.
            _ = try? await client.send(TransportRequest(path: "/hello"), endpoint: pki.endpoint(port: 1))
            let after = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
            #expect(after.status == 200)
            #expect(client.handles.idleCount <= 2)
        }
    }

    @Test("64 concurrent requests: the pool holds at most its capacity")
    func bounded() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 8, maxTotalConnections: 16,
                                                             connectionCacheSize: 16))
        defer { client.shutdown() }
        try await TLSTestServer.with(certificate: pki.server, clientCA: pki.ca) { port in
            let endpoint = pki.endpoint(port: port)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<64 {
                    group.addTask { try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(client.handles.idleCount <= 16)
            #expect(client.handles.idleCount >= 1)
        }
    }
}
