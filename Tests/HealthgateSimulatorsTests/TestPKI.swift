import Foundation
import HealthgatePKI
import HealthgateSimulators

/// A development PKI generated for one test in a temporary directory, removed afterwards.
struct TestPKI: Sendable {
    let directory: URL
    let layout: DevPKILayout

    static func with<T: Sendable>(_ body: @Sendable (TestPKI) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hg-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let layout = try DevPKI.generate(into: directory)
        return try await body(TestPKI(directory: directory, layout: layout))
    }

    func tls(_ city: DevCity) -> SimulatorTLSFiles { SimulatorTLSFiles(layout: layout, city: city) }

    /// A client of `city` holding the certificate the city issued to the gateway of `region`.
    func gateway(_ region: String, calling city: DevCity) -> CurlClient {
        let files = layout.gatewayClient(of: region, issuedBy: city)
        return CurlClient(
            certificate: files.certificate, privateKey: files.privateKey, trustRoots: layout.cityCA(city).certificate)
    }

    /// A client of `city` presenting a certificate of another city's CA (refused at the TLS handshake).
    func stranger(calling city: DevCity, issuedBy other: DevCity) -> CurlClient {
        let files = layout.gatewayClient(of: "310000", issuedBy: other)
        return CurlClient(
            certificate: files.certificate, privateKey: files.privateKey, trustRoots: layout.cityCA(city).certificate)
    }

    /// A client of `city` holding a certificate of that city's CA that is not a gateway's (the city's notifier).
    func nonGateway(calling city: DevCity) -> CurlClient {
        let files = layout.cityNotifier(city)
        return CurlClient(
            certificate: files.certificate, privateKey: files.privateKey, trustRoots: layout.cityCA(city).certificate)
    }
}

/// Valid ID numbers for tests (only under Tests/), with the document's examples.
enum TestIDs {
    static let hangzhouExample = "33010619900101123X"
    static let beijingExample = "110105199003070017"
}

extension URL {
    func path(_ path: String) -> URL { URL(string: absoluteString + path)! }
}
