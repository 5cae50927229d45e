import Foundation
import HealthgateChildProcess
import HealthgatePKI
import Testing
import X509

@Suite("Development PKI")
struct DevPKITests {
    @Test("a leaf certificate carries the requested names, purposes and validity")
    func leafFields() throws {
        let ca = try DevCertificateAuthority(commonName: "test CA")
        let notBefore = Date(timeIntervalSince1970: 1_600_000_000)
        let notAfter = Date(timeIntervalSince1970: 1_700_000_000)
        let leaf = try ca.issue(
            LeafCertificateRequest(
                commonName: "gateway-310000", dnsNames: ["example.test"], ipAddresses: ["127.0.0.1", "::1"],
                purposes: [.serverAuth], notBefore: notBefore, notAfter: notAfter))
        let certificate = leaf.certificate
        #expect(certificate.issuer == ca.certificate.subject)
        #expect(certificate.notValidBefore == notBefore)
        #expect(certificate.notValidAfter == notAfter)
        let eku = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(eku.contains(.serverAuth))
        #expect(!eku.contains(.clientAuth))
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("example.test")))
        #expect(names.count == 3)
        #expect(ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
    }

    @Test("no purposes means no extended key usage extension")
    func noEKU() throws {
        let ca = try DevCertificateAuthority(commonName: "test CA")
        let leaf = try ca.issue(LeafCertificateRequest(commonName: "plain", purposes: []))
        #expect(try leaf.certificate.extensions.extendedKeyUsage == nil)
    }

    @Test("pin and fingerprint have curl's and hex form, and the PEM round-trips")
    func digests() throws {
        let ca = try DevCertificateAuthority(commonName: "test CA")
        let leaf = try ca.issue(.client(commonName: "checkpoint-310000-01"))
        #expect(leaf.spkiPin.hasPrefix("sha256//"))
        #expect(Data(base64Encoded: String(leaf.spkiPin.dropFirst(8)))?.count == 32)
        let fingerprint = try leaf.fingerprintSHA256
        #expect(fingerprint.count == 64)
        #expect(fingerprint.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let reread = try CertificateDigests.certificate(fromPEM: try leaf.certificatePEM)
        #expect(reread == leaf.certificate)
        #expect(try CertificateDigests.spkiPin(of: reread) == leaf.spkiPin)
    }

    @Test("an invalid IP SAN and an empty validity window are refused")
    func refusals() throws {
        let ca = try DevCertificateAuthority(commonName: "test CA")
        #expect(throws: DevPKIError(.invalidIPAddress, "")) {
            try ca.issue(LeafCertificateRequest(commonName: "x", ipAddresses: ["300.1.1.1"], purposes: []))
        }
        let now = Date()
        #expect(throws: DevPKIError(.invalidValidity, "")) {
            try ca.issue(LeafCertificateRequest(commonName: "x", purposes: [], notBefore: now, notAfter: now))
        }
    }

    @Test("generate lays out the federation with private keys at mode 0600, and openssl accepts the chains")
    func generateLayout() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = try DevPKI.generate(into: root)

        var all: [DevCertificateFiles] = [layout.gatewayServerCA, layout.gatewayClientCA]
        for city in DevCity.all {
            all += [layout.cityCA(city), layout.cityServer(city), layout.cityNotifier(city)]
            all += DevCity.all.map { layout.gatewayClient(of: $0.region, issuedBy: city) }
            all += [
                layout.gatewayServer(city.region), layout.gatewayPeerClient(city.region),
                layout.checkpoint(city.region), layout.transferAgent(city.region),
            ]
        }
        for files in all {
            #expect(FileManager.default.fileExists(atPath: files.certificate.path))
            let attributes = try FileManager.default.attributesOfItem(atPath: files.privateKey.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }

        let client = try CertificateDigests.certificate(
            fromPEM: String(
                contentsOf: layout.gatewayClient(of: "310000", issuedBy: .hangzhou).certificate, encoding: .utf8))
        #expect(client.subject.description.contains("CN=gateway-310000"))
        #expect(try client.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        let agent = try CertificateDigests.certificate(
            fromPEM: String(contentsOf: layout.transferAgent("310000").certificate, encoding: .utf8))
        #expect(agent.subject.description.contains("CN=transfer-agent-310000"))
        #expect(try agent.extensions.extendedKeyUsage?.contains(.clientAuth) == true)

        try #require(OpenSSL.isAvailable)
        #expect(
            try OpenSSL.run([
                "verify", "-CAfile", layout.cityCA(.hangzhou).certificate.path, "-purpose", "sslserver",
                layout.cityServer(.hangzhou).certificate.path,
            ]) == 0)
        #expect(
            try OpenSSL.run([
                "verify", "-CAfile", layout.gatewayClientCA.certificate.path, "-purpose", "sslclient",
                layout.checkpoint("310000").certificate.path,
            ]) == 0)
        // A server certificate must not pass as a client one.
        #expect(
            try OpenSSL.run([
                "verify", "-CAfile", layout.cityCA(.beijing).certificate.path, "-purpose", "sslclient",
                layout.cityServer(.beijing).certificate.path,
            ]) != 0)
    }

    @Test("an encrypted PKCS#8 key opens with its passphrase in openssl and not without")
    func encryptedKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try DevCertificateAuthority(commonName: "test CA")
        let leaf = try ca.issue(.client(commonName: "gateway-110000"))
        let url = try leaf.writeEncryptedKey(to: directory, name: "client", passphrase: "s3cret pass")
        let pem = try String(contentsOf: url, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))

        try #require(OpenSSL.isAvailable)
        #expect(try OpenSSL.run(["pkey", "-in", url.path, "-passin", "pass:s3cret pass", "-noout"]) == 0)
        // The pin matches what openssl computes from the same key.
        let der = directory.appendingPathComponent("spki.der")
        #expect(
            try OpenSSL.run(["pkey", "-in", url.path, "-passin", "pass:s3cret pass", "-pubout", "-outform", "DER", "-out", der.path])
                == 0)
        #expect(CertificateDigests.spkiPin(ofSPKI: try Data(contentsOf: der)) == leaf.spkiPin)
        #expect(try OpenSSL.run(["pkey", "-in", url.path, "-passin", "pass:wrong", "-noout"]) != 0)
    }
}

/// Runs the `openssl` command-line tool, quietly.
enum OpenSSL {
    static let path = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    static func run(_ arguments: [String]) throws -> Int32 {
        let (termination, _, errors) = SpawnedChild.runSynchronously(path, arguments)
        guard let termination else { throw SpawnedChild.SpawnError(description: errors) }
        return termination.status
    }
}
