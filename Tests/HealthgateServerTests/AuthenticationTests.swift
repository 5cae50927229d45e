import Foundation
import HealthgateConfig
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// Who may call: only the verified client certificate counts.
@Suite("authentication matrix", .serialized)
struct AuthenticationTests {
    /// Whether the gateway refused at the TLS handshake (the transport failed) or answered with an HTTP status.
    enum Outcome: Equatable {
        case handshakeRefused
        case http(Int)
    }

    func attempt(_ h: FederationHarness, as identity: DevCertificateFiles?, headers: [String: String] = [:])
        async -> Outcome {
        let qr = (try? h.federation.beijing.issueCode(for: "green")) ?? ""
        do {
            let response = try await h.post("/v1/verify", json: "{\"qr\":\"\(qr)\",\"scene\":\"office\"}", as: identity,
                                             headers: headers)
            return .http(response.status)
        } catch {
            return .handshakeRefused
        }
    }

    @Test("no cert, foreign CA, expired, serverAuth-only, wrong role, spoofed header")
    func matrix() async throws {
        try await FederationHarness.withFederation { h in
            #expect(await attempt(h, as: h.checkpoint) == .http(200))
            // No client certificate at all: the handshake fails.
            #expect(await attempt(h, as: nil) == .handshakeRefused)
            // A certificate with the right name from a CA the gateway does not trust.
            let foreignCA = try DevCertificateAuthority(commonName: "rogue CA")
            let foreign = try foreignCA.issue(.client(commonName: "checkpoint-310000-01"))
                .write(to: h.directory.appendingPathComponent("extra"), name: "foreign")
            #expect(await attempt(h, as: foreign) == .handshakeRefused)
            // Expired, from the trusted CA.
            var expiredRequest = LeafCertificateRequest.client(commonName: "checkpoint-310000-01")
            expiredRequest.notBefore = Date().addingTimeInterval(-20 * 86400)
            expiredRequest.notAfter = Date().addingTimeInterval(-86400)
            let expired = try h.issueClient(expiredRequest, name: "expired")
            let expiredOutcome = await attempt(h, as: expired)
            #expect(expiredOutcome == .handshakeRefused || expiredOutcome == .http(401))
            // serverAuth only: not a client certificate.
            let serverOnly = try h.issueClient(
                LeafCertificateRequest(commonName: "checkpoint-310000-01", purposes: [.serverAuth]), name: "server-only")
            let serverOnlyOutcome = await attempt(h, as: serverOnly)
            #expect(serverOnlyOutcome == .handshakeRefused || serverOnlyOutcome == .http(401))
            // A valid certificate whose role may not verify: a peer gateway.
            let peer = h.layout.gatewayPeerClient("330100")
            #expect(await attempt(h, as: peer) == .http(403))
            // A spoofed header changes nothing.
            #expect(await attempt(h, as: peer, headers: [
                "X-SSL-Client-DN": "CN=checkpoint-310000-01", "X-SSL-Client-Verify": "SUCCESS",
                "X-SSL-Client-S-DN": "CN=checkpoint-310000-01",
            ]) == .http(403))
            // A valid certificate the configuration maps to no role.
            let stranger = try h.issueClient(.client(commonName: "someone-else"), name: "stranger")
            #expect(await attempt(h, as: stranger) == .http(403))
            // A city's notifier may call its own notification endpoint only.
            let notifier = h.layout.cityNotifier(.hangzhou)
            #expect(await attempt(h, as: notifier) == .http(403))

            // Every request that reached a handler was audited, the 403s included, with the caller's identity.
            let entries = try await h.auditEntries()
            let forbidden = entries.filter { $0.record.outcome == .failed(code: "forbidden") }
            #expect(forbidden.count == 4)
            #expect(forbidden.contains { $0.record.caller.subject.contains("gateway-330100") })
        }
    }
}
