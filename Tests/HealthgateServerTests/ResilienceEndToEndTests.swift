import Foundation
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// A hanging city through the real gateway (mutual TLS in, libcurl out, SQLite audit): its requests are answered by
/// the request deadline, most of them at once by the bulkhead or the breaker, and another city's verifies keep
/// answering.
@Suite("resilience end to end", .serialized)
struct ResilienceEndToEndTests {
    @Test("Hangzhou hanging: 100 concurrent verifies all 503 by the deadline, most refused at once; Beijing answers")
    func hangingCity() async throws {
        try await FederationHarness.withFederation { h in
            // Enough connections that the client never queues (the harness's own client has 8).
            let client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 150, maxTotalConnections: 200,
                                                                 connectionCacheSize: 150))
            defer { client.shutdown() }
            let endpoint = h.endpoint(h.checkpoint)
            @Sendable func verify(_ qr: String) async -> (status: Int, retryAfter: String?) {
                let body = Array(#"{"qr":"\#(qr)","scene":"transport"}"#.utf8)
                let request = TransportRequest(method: .post, path: "/v1/verify",
                                               headers: ["Content-Type": "application/json"], body: body)
                guard let response = try? await client.send(request, endpoint: endpoint) else { return (0, nil) }
                return (response.status, response.headers["Retry-After"])
            }
            let hangzhouCode = try h.federation.hangzhou.issueCode(for: "green-R00")
            let beijingCodes = try (0..<20).map { _ in try h.federation.beijing.issueCode(for: "green") }
            h.federation.hangzhou.faults.set(.hang)
            async let hangzhou = withTaskGroup(of: (status: Int, retryAfter: String?).self) { group in
                for _ in 0..<100 { group.addTask { await verify(hangzhouCode) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            async let beijing = withTaskGroup(of: (status: Int, retryAfter: String?).self) { group in
                for code in beijingCodes { group.addTask { await verify(code) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let (hangzhouAnswers, beijingAnswers) = await (hangzhou, beijing)
            h.federation.hangzhou.faults.clear()

            #expect(hangzhouAnswers.allSatisfy { $0.status == 503 })
            // Past 8 in flight and 24 queued, the bulkhead (then the open breaker) refuses at once, with Retry-After.
            #expect(hangzhouAnswers.filter { $0.retryAfter != nil }.count >= 60)
            #expect(beijingAnswers.allSatisfy { $0.status == 200 })
            // The request deadline holds: the gateway's own latency of every verify (the audit's) stays within it,
            // with room for scheduling on a busy test machine (before: up to 1.5 s past it).
            let records = try await h.auditEntries().map(\.record).filter { $0.route == "POST /v1/verify" }
            #expect(records.count == 120)
            #expect(records.allSatisfy { $0.latency <= .milliseconds(6_000 + 1_000) })
        }
    }
}
