import Foundation
import HealthgateConfig
import HealthgateCore
import HealthgateServer
import HealthgatePKI
import HealthgateSimulators
import HealthgateStorage
import HealthgateTransport
import Testing

/// The loopback operations port and configuration reload.
@Suite("operations end to end", .serialized)
struct OpsEndToEndTests {
    @Test("healthz, readyz, metrics")
    func ops() async throws {
        try await FederationHarness.withFederation { h in
            _ = try await h.verify(try h.federation.beijing.issueCode(for: "green"))
            let health = try await h.ops("/healthz")
            #expect(health.status == 200)
            let ready = try await h.ops("/readyz")
            #expect(ready.status == 200)
            #expect(ready.body.contains("\"ready\":true"))
            let metrics = try await h.ops("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("healthgate_requests_total"))
            #expect(metrics.body.contains("healthgate_upstream_latency_seconds"))
            #expect(metrics.body.contains("healthgate_certificate_days_to_expiry"))
        }
    }

    @Test("an invalid configuration file is refused and the old one kept; a valid one is applied")
    func reload() async throws {
        try await FederationHarness.withFederation { h in
            let original = try String(contentsOfFile: h.configPath, encoding: .utf8)
            let store = h.gateway.server.configuration
            try original.replacingOccurrences(of: "kind: beijing", with: "kind: peking")
                .write(toFile: h.configPath, atomically: true, encoding: .utf8)
            let watcher = h.gateway.server.makeConfigWatcher()
            #expect(await watcher.reloadIfChanged(force: true) == false)
            #expect(store.current.city(named: "beijing")?.kind == .beijing)
            try original.replacingOccurrences(of: "bodyLimitBytes: 16384", with: "bodyLimitBytes: 40")
                .write(toFile: h.configPath, atomically: true, encoding: .utf8)
            #expect(await watcher.reloadIfChanged(force: true) == true)
            #expect(store.current.listen.bodyLimitBytes == 40)
            let tooLarge = try await h.verify(try h.federation.beijing.issueCode(for: "green"))
            #expect(tooLarge.status == 413)
        }
    }
}
