import Foundation
import HealthgatePKI
import HealthgateTransport

/// Measures the libcurl transport against a local mutual-TLS server, beside the `curl` command-line tool doing the
/// same requests with connection reuse. Arguments: `[sequential requests] [concurrent requests] [rounds]`.
@main
struct TransportBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let sequential = arguments.count > 0 ? arguments[0] : 2000
        let concurrent = arguments.count > 1 ? arguments[1] : 10000
        let rounds = arguments.count > 2 ? arguments[2] : 3
        let width = 64

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("transport-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let ca = try DevCertificateAuthority(commonName: "benchmark CA")
        let caFiles = try ca.write(to: scratch, name: "ca")
        let server = try ca.issue(.server(commonName: "benchmark-server"))
        let clientFiles = try ca.issue(.client(commonName: "gateway-310000")).write(to: scratch, name: "client")
        let cliFiles = CurlCLIRun.Files(
            certificate: clientFiles.certificate.path, key: clientFiles.privateKey.path, ca: caFiles.certificate.path)

        try await BenchmarkServer.with(certificate: server, ca: ca) { port in
            let endpoint = EndpointConfiguration(
                baseURL: URL(string: "https://127.0.0.1:\(port)")!,
                clientCertificateFile: clientFiles.certificate.path, clientKeyFile: clientFiles.privateKey.path,
                trustedCAFile: caFiles.certificate.path)
            let url = "https://127.0.0.1:\(port)/hello"

            // Warm-up of the server and both clients; not reported.
            _ = try await library(label: "warm-up", endpoint: endpoint, requests: 200, width: 1)
            _ = try await CurlCLIRun.measureOffPool(
                label: "warm-up", url: url, requests: 200, parallel: nil, files: cliFiles, scratch: scratch)

            let librarySequential = try await median(rounds) {
                try await library(label: "library, sequential", endpoint: endpoint, requests: sequential, width: 1)
            }
            let cliSequential = try await median(rounds) {
                try await CurlCLIRun.measureOffPool(
                    label: "curl CLI, sequential (1 process)", url: url, requests: sequential, parallel: nil,
                    files: cliFiles, scratch: scratch)
            }
            let libraryConcurrent = try await median(rounds) {
                try await library(
                    label: "library, \(width)-way concurrent", endpoint: endpoint, requests: concurrent, width: width)
            }
            let cliConcurrent = try await median(rounds) {
                try await CurlCLIRun.measureOffPool(
                    label: "curl CLI, --parallel-max \(width)", url: url, requests: concurrent, parallel: width,
                    files: cliFiles, scratch: scratch)
            }
            let results = [(librarySequential, cliSequential), (libraryConcurrent, cliConcurrent)]

            print("mutual TLS (P-256, TLS 1.3) to Hummingbird on 127.0.0.1, HTTP/1.1, 5-byte body; median of \(rounds) rounds")
            print(Measurement.header())
            for (library, cli) in results {
                print(library.row())
                print(cli.row())
                print(
                    Measurement.pad("  ratio library/CLI (req/s)", 34)
                        + Measurement.format(library.requestsPerSecond / cli.requestsPerSecond, 2))
            }
        }
    }

    /// Sends `requests` GETs from `width` tasks through one new client; counts connections from its counters.
    static func library(
        label: String, endpoint: EndpointConfiguration, requests: Int, width: Int
    ) async throws -> Measurement {
        let client = try CurlHTTPClient(configuration: .init(maxConnectionsPerHost: width))
        defer { client.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<width {
                let share = requests / width + (worker < requests % width ? 1 : 0)
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(share)
                    for _ in 0..<share {
                        let begin = clock.now
                        let response = try await client.send(TransportRequest(path: "/hello"), endpoint: endpoint)
                        guard response.status == 200 else { throw BenchmarkFailure("status \(response.status)") }
                        latencies.append((clock.now - begin).seconds)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let elapsed = clock.now - start
        return Measurement(
            label: label, requests: requests, seconds: elapsed.seconds, latencies: latencies,
            newConnections: client.counters.total.newConnections)
    }

    /// Runs `measure` `rounds` times and keeps the run with the median throughput.
    static func median(_ rounds: Int, _ measure: () async throws -> Measurement) async throws -> Measurement {
        var runs: [Measurement] = []
        for _ in 0..<max(1, rounds) { runs.append(try await measure()) }
        runs.sort { $0.requestsPerSecond < $1.requestsPerSecond }
        return runs[runs.count / 2]
    }
}
