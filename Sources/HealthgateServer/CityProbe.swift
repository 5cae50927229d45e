import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgateTransport
import Logging

/// One mutual-TLS handshake per configured city (a second after a transient failure), as the gateway would make it (its client certificate, the city's CA
/// bundle and pin, the connect timeout): for `config check --online`, so that a wrong certificate, CA or address
/// shows before the first checkpoint does.
public enum CityProbe {
    /// What one city did.
    public struct Result: Sendable {
        /// The key under `cities:`.
        public var city: String
        /// Its base URL.
        public var baseURL: String
        /// Whether the handshake completed (any HTTP answer counts: the path asked for is `/`).
        public var answered: Bool
        /// `HTTP <status>` when it answered, else why not.
        public var detail: String
        /// How long it took.
        public var elapsed: Duration
    }

    /// Probes every city of `configuration` in parallel; results in configuration order.
    public static func run(_ configuration: GatewayConfiguration) async -> [Result] {
        var quiet = Logger(label: "healthgate.probe")
        quiet.logLevel = .critical
        guard let client = try? CurlHTTPClient(logger: quiet) else {
            return configuration.cities.map {
                Result(city: $0.name, baseURL: $0.baseURL, answered: false, detail: "libcurl could not start",
                       elapsed: .zero)
            }
        }
        defer { client.shutdown() }
        let transport = CurlCityTransport(client: client, logger: quiet)
        return await withTaskGroup(of: (Int, Result).self) { group in
            for (index, city) in configuration.cities.enumerated() {
                group.addTask {
                    // A transient failure (a timeout on a busy machine) is tried once more, as the gateway would.
                    var last = Result(city: city.name, baseURL: city.baseURL, answered: false, detail: "", elapsed: .zero)
                    for _ in 0..<2 {
                        let started = ContinuousClock.now
                        do throws(HealthgateError) {
                            let response = try await transport.send(
                                NativeRequest(method: "GET", path: "/", headers: []), to: city,
                                timeout: max(city.deadline, .seconds(5)))
                            return (index, Result(city: city.name, baseURL: city.baseURL, answered: true,
                                                  detail: "HTTP \(response.status)", elapsed: .now - started))
                        } catch {
                            last = Result(city: city.name, baseURL: city.baseURL, answered: false,
                                          detail: error.detail, elapsed: .now - started)
                            if !error.isTransient { break }
                        }
                    }
                    return (index, last)
                }
            }
            var results: [(Int, Result)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
