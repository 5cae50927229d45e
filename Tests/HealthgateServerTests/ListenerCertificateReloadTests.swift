import Crypto
import Foundation
import HealthgateChildProcess
import HealthgateConfig
import HealthgatePKI
import HealthgateServer
import HealthgateSimulators
import SwiftASN1
import Testing
import X509

/// The listener's certificate is re-read at a configuration reload: a renewed certificate is served to new
/// connections without a restart, and a reload whose key does not load is refused with the old certificate kept.
@Suite("listener certificate reload")
struct ListenerCertificateReloadTests {
    @Test("a renewed server certificate is served after a reload; a broken key file refuses the reload")
    func renewedCertificate() async throws {
        try await FederationHarness.withFederation { h in
            let files = h.layout.gatewayServer("310000")
            let before = try Self.servedFingerprint(h)
            #expect(before == (try Self.fingerprint(ofPEMFile: files.certificate)))

            // Renew: a new key and certificate from the same CA, written over the configured files, then a reload.
            let ca = try DevCertificateAuthority(identity: DevCertificate(
                certificate: Certificate(pemEncoded: String(contentsOf: h.layout.gatewayServerCA.certificate, encoding: .utf8)),
                privateKey: P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: h.layout.gatewayServerCA.privateKey,
                                                                              encoding: .utf8))))
            _ = try ca.issue(.server(commonName: "gateway-310000")).write(to: h.layout.gatewayDirectory("310000"), name: "server")
            let renewed = try Self.fingerprint(ofPEMFile: files.certificate)
            #expect(renewed != before)
            try Self.touch(h.configPath)
            let served = try await Self.waitForServed(renewed, h)
            #expect(served == renewed, "the renewed certificate is not served after the reload")
            let code = try h.federation.hangzhou.issueCode(for: "green-R00")
            #expect(try await h.verify(code).status == 200)

            // A key file that does not load: the reload is refused and the renewed certificate stays.
            try Data("not a key".utf8).write(to: files.privateKey)
            try Self.touch(h.configPath)
            #expect(try await Self.waitForRefusal(h), "the reload with a broken key was not refused")
            #expect(try Self.servedFingerprint(h) == renewed)
            #expect(try await h.verify(try h.federation.hangzhou.issueCode(for: "green-R00")).status == 200)
        }
    }

    /// Changes the file's modification time, as an edit would.
    static func touch(_ path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
    }

    /// Whether the watcher looked at the file as it is now and refused it (a refusal remembers the file's time in the
    /// snapshot it keeps), polled.
    static func waitForRefusal(_ h: FederationHarness) async throws -> Bool {
        let touched = try FileManager.default.attributesOfItem(atPath: h.configPath)[.modificationDate] as? Date
        guard let touched else { return false }
        let deadline = ContinuousClock.now + .seconds(15)
        while h.gateway.server.configuration.current.loadedFrom < touched, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return h.gateway.server.configuration.current.loadedFrom >= touched
    }

    static func waitForServed(_ expected: String, _ h: FederationHarness) async throws -> String {
        var served = try servedFingerprint(h)
        let deadline = ContinuousClock.now + .seconds(15)
        while served != expected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            served = try servedFingerprint(h)
        }
        return served
    }

    /// The SHA-256 fingerprint of the certificate the gateway presents to a new connection, as `openssl s_client`
    /// (with the checkpoint's client certificate) sees it.
    static func servedFingerprint(_ h: FederationHarness) throws -> String {
        let checkpoint = h.checkpoint
        let script = """
            openssl s_client -connect 127.0.0.1:\(h.gatewayPort) -cert '\(checkpoint.certificate.path)' \
            -key '\(checkpoint.privateKey.path)' -CAfile '\(h.layout.gatewayServerCA.certificate.path)' </dev/null 2>/dev/null \
            | openssl x509 -noout -fingerprint -sha256
            """
        return run(["/bin/sh", "-c", script])
    }

    static func fingerprint(ofPEMFile url: URL) throws -> String {
        run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", url.path])
    }

    /// Runs a command and returns its standard output, trimmed.
    static func run(_ arguments: [String]) -> String {
        let (_, output, _) = SpawnedChild.runSynchronously("/usr/bin/env", arguments)
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
