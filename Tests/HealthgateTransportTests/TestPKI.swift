import Foundation
import HealthgatePKI
import HealthgateTransport
import X509

/// Certificates for one test, written into a fresh temporary directory that ``remove()`` deletes.
struct TestPKI {
    let directory: URL
    let ca: DevCertificateAuthority
    let caFiles: DevCertificateFiles
    let server: DevCertificate
    let client: DevCertificate
    let clientFiles: DevCertificateFiles

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("transport-tests-\(UUID().uuidString)")
        ca = try DevCertificateAuthority(commonName: "transport test CA")
        caFiles = try ca.write(to: directory, name: "ca")
        server = try ca.issue(.server(commonName: "test-server"))
        client = try ca.issue(.client(commonName: "gateway-310000"))
        clientFiles = try client.write(to: directory, name: "client")
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An endpoint at `127.0.0.1:port` trusting this PKI's CA and presenting its client certificate.
    func endpoint(port: Int, withClientCertificate: Bool = true) -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(
            baseURL: URL(string: "https://127.0.0.1:\(port)")!,
            clientCertificateFile: withClientCertificate ? clientFiles.certificate.path : nil,
            clientKeyFile: withClientCertificate ? clientFiles.privateKey.path : nil,
            trustedCAFile: caFiles.certificate.path)
        // Generous: at the suite's start both cores generate certificates, and the in-process server's handlers
        // wait for the cooperative pool; a test that means a timeout sets its own.
        endpoint.requestTimeout = .seconds(30)
        return endpoint
    }
}
