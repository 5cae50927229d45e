import Foundation
import HealthgateConfig
import Testing

/// A misspelt or unknown key, at any depth, is an error naming its path; so are identity rules that trust a CN from
/// any CA, impossible timings and alias bombs. Each case failed to be refused before (issue: cache trust, item 5).
@Suite("strict configuration")
struct StrictConfigTests {
    typealias Fixture = ConfigLoaderTests.Fixture

    /// The issues of `yaml`; records a failure when it loads.
    func issues(of yaml: String) throws -> [ConfigIssue] {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(yaml)
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("the file loaded")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("each misspelt key is refused with its path and the key it was probably meant to be",
          arguments: [
              ("issuerCA: pki/gateways/client-ca.pem}", "issuerCa: pki/gateways/client-ca.pem}", "identities[0].issuerCa", "issuerCA"),
              ("subjectCN: checkpoint-310000-01", "subjectCn: checkpoint-310000-01", "identities[0].subjectCn", "subjectCN"),
              ("    freshnessSeconds: 30", "    freshnesSeconds: 30", "cities.shanghai.freshnesSeconds", "freshnessSeconds"),
              ("    staleLimitSeconds: 300", "    staleLimitSeconds: 300\n    allowStaleAdmt: true", "cities.shanghai.allowStaleAdmt", "allowStaleAdmit"),
              ("ops: {host: 127.0.0.1, port: 9090}", "ops: {host: 127.0.0.1, port: 9090}\nbreakr: {failures: 3}", "breakr", "breaker"),
              ("  port: 8443", "  port: 8443\n  bodyLimitByte: 10", "listen.bodyLimitByte", "bodyLimitBytes"),
              ("audit: {signingKeyFile: audit.pem,", "audit: {signingKeyFile: audit.pem, signEveryRecord: 3,", "audit.signEveryRecord", "signEveryRecords"),
          ])
    func misspelt(original: String, replacement: String, path: String, meant: String) throws {
        let yaml = Fixture.valid.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Fixture.valid)
        let found = try issues(of: yaml)
        let issue = try #require(found.first { $0.path == path }, "issues: \(found)")
        #expect(issue.message.contains("unknown key"))
        #expect(issue.message.contains("did you mean \(meant)?"))
    }

    @Test("a key unlike any known one is refused without a guess")
    func unknownWithoutGuess() throws {
        let found = try issues(of: Fixture.valid + "\nsomethingElse: 1\n")
        let issue = try #require(found.first { $0.path == "somethingElse" })
        #expect(issue.message == "unknown key")
    }

    @Test("an identity rule with a CN but neither issuerCA nor fingerprint is refused")
    func cnAloneTrustsEveryCA() throws {
        let yaml = Fixture.valid.replacingOccurrences(
            of: "{role: checkpoint, subjectCN: checkpoint-310000-01, issuerCA: pki/gateways/client-ca.pem}",
            with: "{role: checkpoint, subjectCN: checkpoint-310000-01}")
        let found = try issues(of: yaml)
        #expect(found.contains { $0.path == "identities[0].issuerCA" })
    }

    @Test("a request deadline shorter than a city's deadline is refused; so is a header timeout past it")
    func impossibleTimings() throws {
        let yaml = Fixture.valid
            .replacingOccurrences(of: "  port: 8443", with: "  port: 8443\n  requestDeadlineMs: 3000\n  headerTimeoutMs: 4000")
            .replacingOccurrences(of: "    freshnessSeconds: 30", with: "    freshnessSeconds: 30\n    deadlineMs: 4000")
        let found = try issues(of: yaml)
        #expect(found.contains { $0.path == "listen.requestDeadlineMs" && $0.message.contains("cities.shanghai.deadlineMs") })
        // Hangzhou's default deadline (5 s) is longer than 3 s as well.
        #expect(found.contains { $0.path == "listen.requestDeadlineMs" && $0.message.contains("cities.hangzhou.deadlineMs") })
        #expect(found.contains { $0.path == "listen.headerTimeoutMs" })
    }

    @Test("a billion-laughs document is refused quickly, never expanded")
    func aliasBomb() throws {
        var yaml = Fixture.valid.replacingOccurrences(of: "  host: 127.0.0.1\n  port: 8443", with: "  host: *a9\n  port: 8443")
        var anchors = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            anchors += "x\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", "))]\n"
        }
        yaml = anchors + yaml
        let started = ContinuousClock.now
        let found = try issues(of: yaml)
        #expect(found.contains { $0.path == "x9" && $0.message.hasPrefix("unknown key") })
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("aliases that expand a known list past the node limit are refused")
    func aliasExpansionBounded() throws {
        let identity = "  - &id {role: checkpoint, subjectCN: checkpoint-310000-01, issuerCA: pki/gateways/client-ca.pem}\n"
        let copies = String(repeating: "  - *id\n", count: 3000)
        let yaml = Fixture.valid.replacingOccurrences(
            of: "identities:\n", with: "identities:\n" + identity + copies)
        let found = try issues(of: yaml)
        #expect(found.contains { $0.path == "(file)" && $0.message.contains("more than 10000 nodes") })
    }

    @Test("the shipped configuration has no unknown key")
    func shippedConfiguration() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/healthgate.yaml")
        let text = try String(contentsOf: shipped, encoding: .utf8)
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(text)
        do {
            _ = try ConfigLoader().load(path: fixture.path)
        } catch {
            // Its certificate files are not there; nothing else may be wrong with it.
            let unknown = error.issues.filter { $0.message.contains("unknown key") || $0.path == "(file)" }
            #expect(unknown.isEmpty, "\(unknown)")
        }
    }
}

/// The shape the key checker walks covers every nested mapping of `ConfigFile`.
@Suite("configuration shape")
struct ConfigShapeTests {
    @Test("a misspelt key inside a city's support is refused too")
    func nestedSupport() throws {
        let fixture = try ConfigLoaderTests.Fixture()
        defer { fixture.remove() }
        try fixture.write(ConfigLoaderTests.Fixture.valid.replacingOccurrences(
            of: "    freshnessSeconds: 30", with: "    freshnessSeconds: 30\n    support: {phnoe: \"12345\"}"))
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("the file loaded")
        } catch {
            #expect(error.issues.contains { $0.path == "cities.shanghai.support.phnoe" && $0.message.contains("did you mean phone?") })
        }
    }
}
