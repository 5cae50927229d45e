import Foundation
import HealthgatePKI
import HealthgateSimulators
import HealthgateTransport
import Testing
import Yams

/// The shipped deployment files: every YAML and JSON file parses, and every metric name the Grafana dashboard and
/// the Prometheus alerts use is one the gateway really exports at `/metrics`.
@Suite("deployment files", .serialized)
struct DeployFilesTests {
    /// The repository's root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file under `folder` whose name ends in one of `extensions`, relative paths sorted.
    static func files(under folder: String, extensions: [String]) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in extensions.contains { path.hasSuffix(".\($0)") } }
            .map { "\(folder)/\($0)" }.sorted()
    }

    @Test("every YAML and JSON file under Deploy/ and Config/ parses")
    func parses() throws {
        let yaml = Self.files(under: "Deploy", extensions: ["yaml", "yml"]) + Self.files(under: "Config", extensions: ["yaml", "yml"])
        let json = Self.files(under: "Deploy", extensions: ["json"]) + Self.files(under: "Config", extensions: ["json"])
        #expect(yaml.contains("Deploy/kubernetes/deployment.yaml"))
        #expect(json.contains("Deploy/grafana/healthgate-dashboard.json"))
        for path in yaml {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            do {
                let documents = try Array(Yams.load_all(yaml: text))
                #expect(!documents.isEmpty, "\(path) is empty")
                if path.hasPrefix("Deploy/kubernetes/") {
                    for document in documents {
                        let object = document as? [String: Any]
                        #expect(object?["apiVersion"] is String && object?["kind"] is String, "\(path): a manifest without apiVersion/kind")
                    }
                }
            } catch {
                Issue.record("\(path) does not parse: \(error)")
            }
        }
        for path in json {
            let data = try Data(contentsOf: Self.root.appendingPathComponent(path))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(path) does not parse")
        }
        // The ConfigMap's configuration is a gateway configuration (its keys are checked by the configuration tests'
        // strictness once it is a file; here: it is YAML with the sections a gateway needs).
        let configMap = try #require(try Yams.load_all(yaml: String(contentsOf: Self.root.appendingPathComponent(
            "Deploy/kubernetes/configmap.yaml"), encoding: .utf8)).first { _ in true } as? [String: Any])
        let embedded = try #require((configMap["data"] as? [String: Any])?["healthgate.yaml"] as? String)
        let gateway = try #require(try Yams.load(yaml: embedded) as? [String: Any])
        for key in ["home", "listen", "identities", "cities", "database", "pseudonymKeyFile", "audit", "ops"] {
            #expect(gateway[key] != nil, "the ConfigMap's configuration lacks \(key)")
        }
    }

    /// The `healthgate_…` names in `text`.
    static func metricNames(in text: String) -> Set<String> {
        Set(text.matches(of: #/healthgate_[a-z_]+/#).map { String(text[$0.range]) })
    }

    @Test("every metric name of the dashboard and of the alert examples exists in /metrics")
    func dashboardMetrics() async throws {
        let dashboard = try String(contentsOf: Self.root.appendingPathComponent("Deploy/grafana/healthgate-dashboard.json"),
                                   encoding: .utf8)
        let scrape = try String(contentsOf: Self.root.appendingPathComponent("Deploy/prometheus/scrape.yaml"), encoding: .utf8)
        let used = Self.metricNames(in: dashboard).union(Self.metricNames(in: scrape))
        #expect(used.count >= 8)

        try await FederationHarness.withFederation { h in
            // Produce every kind of metric: a verify (requests, city calls and their latency, cache, breaker), a
            // notification (invalidations), a reload (the file touched), a refused handshake.
            let hz = h.federation.hangzhou
            let qr = try hz.issueCode(for: "green-R00")
            #expect(try await h.verify(qr).status == 200)
            #expect(try await h.verify(qr).status == 200)
            let deliveries = try await hz.setStatus("green-R00", color: "red", reason: "R21")
            #expect(deliveries.first?.delivered == true)
            let yaml = try String(contentsOfFile: h.configPath, encoding: .utf8)
            try (yaml + "\n# touched\n").write(toFile: h.configPath, atomically: true, encoding: .utf8)
            let untrusted = h.layout.gatewayClient(of: "310000", issuedBy: .beijing)
            _ = try? await h.post("/v1/verify", json: "{}", as: untrusted)
            var metrics = ""
            for _ in 0..<50 {
                metrics = try await h.ops("/metrics").body
                if metrics.contains("healthgate_config_reloads_total"), metrics.contains("healthgate_tls_handshake_failures_total") {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let exported = Set(metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .compactMap { $0.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init) })
            for name in used.sorted() {
                #expect(exported.contains(name), "\(name) is used by a shipped dashboard or alert but not exported")
            }
        }
    }
}
