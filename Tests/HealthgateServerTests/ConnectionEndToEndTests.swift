import Foundation
import HealthgatePKI
import HealthgateServer
import HealthgateStorage
import HealthgateTransport
import Testing

/// What the listener does with connections that misbehave or ask to be closed, over real TLS on 127.0.0.1 (one
/// federation for the three checks: each costs a development PKI).
@Suite("connections end to end")
struct ConnectionEndToEndTests {
    @Test("a slow body gets 408, closed; HTTP/1.0 and Connection: close close after the answer; a stray path is 404")
    func connections() async throws {
        try await FederationHarness.withFederation { h in
            try await Self.slowBody(h)
            try await Self.closeAfterAnswer(h)
            try await Self.notFound(h)
        }
    }

    /// A body that does not arrive within listen.bodyTimeoutMs gets 408 and the connection is closed.
    static func slowBody(_ h: FederationHarness) async throws {
        let connection = try RawTLSConnection(port: h.gatewayPort, identity: h.checkpoint,
                                              trusting: h.layout.gatewayServerCA.certificate)
        connection.send("POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 16000\r\n\r\n{\"qr\":")
        // A byte every half second keeps the connection from ever being idle (listen.headerTimeoutMs).
        let (closed, received) = await connection.closedByServer(
            within: .seconds(30), trickle: String(repeating: " ", count: 100))
        #expect(closed)
        #expect(received.hasPrefix("HTTP/1.1 408"))
        #expect(received.lowercased().contains("connection: close"))
        #expect(received.contains("request-timeout"))
        let records = try await h.auditEntries().map(\.record)
        #expect(records.contains { $0.outcome == .failed(code: "request-timeout") })
    }

    /// HTTP/1.0 and Connection: close are answered, then the connection is closed: a second request sent behind the
    /// first on the same connection is never answered (kept alive, it would be).
    static func closeAfterAnswer(_ h: FederationHarness) async throws {
        for head in ["POST /v1/verify HTTP/1.0\r\n", "POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Close\r\n"] {
            let connection = try RawTLSConnection(port: h.gatewayPort, identity: h.checkpoint,
                                                  trusting: h.layout.gatewayServerCA.certificate)
            let request = head + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            let keptAlive = "POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}"
            connection.send(request + keptAlive)
            let (closed, received) = await connection.closedByServer(within: .seconds(30))
            #expect(closed, "\(head)")
            #expect(received.hasPrefix("HTTP/1.1 400"), "\(head)")
            #expect(received.lowercased().contains("connection: close"), "\(head)")
            #expect(received.components(separatedBy: "HTTP/1.1 ").count == 2, "\(head): answered once")
        }
    }

    /// A path under a known route that no route serves is 404 problem+json.
    static func notFound(_ h: FederationHarness) async throws {
        let agent = try h.transferAgent()
        for path in ["/v1/transfers/a/b", "/v1/nothing", "/"] {
            let response = try await h.get(path, as: agent)
            #expect(response.status == 404, "\(path)")
            #expect(response.headers["Content-Type"] == "application/problem+json", "\(path)")
            #expect(String(decoding: response.body, as: UTF8.self).contains("\"type\":\"not-found\""), "\(path)")
        }
    }
}
