import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import HealthgateTransport
import Logging

/// The cities' transport over the libcurl client: one endpoint configuration per city (its client certificate, CA
/// bundle, pin, limits), transport failures mapped to the gateway's errors.
public struct CurlCityTransport: CityTransport {
    let client: CurlHTTPClient
    let logger: Logger

    /// Calls over `client`; every failed call (no answer, or HTTP 5xx) is logged with the city's name and the reason.
    public init(client: CurlHTTPClient, logger: Logger = Logger(label: "healthgate.city")) {
        self.client = client
        self.logger = logger
    }

    /// The libcurl endpoint of a configured city, with `timeout` as the request deadline.
    public static func endpoint(for city: CityConfiguration, timeout: Duration) -> EndpointConfiguration? {
        guard let url = URL(string: city.baseURL) else { return nil }
        return EndpointConfiguration(
            baseURL: url, clientCertificateFile: city.clientCertificatePath, clientKeyFile: city.clientKeyPath,
            keyPassphraseEnvironmentVariable: city.passphraseEnv, trustedCAFile: city.caBundlePath,
            pinnedPublicKey: city.pin, connectTimeout: min(city.connectTimeout, timeout), requestTimeout: timeout,
            maxResponseBytes: city.maxResponseBytes)
    }

    public func send(_ request: NativeRequest, to city: CityConfiguration, timeout: Duration)
        async throws(HealthgateError) -> NativeResponse {
        guard let endpoint = Self.endpoint(for: city, timeout: timeout) else {
            throw HealthgateError(.internalError, "the base URL of \(city.name) is not a URL")
        }
        var headers = TransportHeaders()
        for field in request.headers { headers.add(name: field.name, value: field.value) }
        let outgoing = TransportRequest(method: TransportMethod(request.method), path: request.path, headers: headers,
                                        body: request.body.isEmpty && request.method == "GET" ? nil : request.body)
        do {
            let response = try await client.send(outgoing, endpoint: endpoint)
            if response.status >= 500 {
                logger.warning("city call failed", metadata: [
                    "city": "\(city.name)", "reason": "HTTP \(response.status)",
                ])
            }
            return NativeResponse(status: response.status,
                                  headers: response.headers.map { HTTPField($0.name, $0.value) }, body: response.body)
        } catch {
            let mapped = Self.map(error, city: city.name)
            logger.warning("city call failed", metadata: [
                "city": "\(city.name)", "reason": "\(mapped.detail)",
                "transport": "\(error.code)",
            ])
            throw mapped
        }
    }

    /// A transport failure as the gateway reports it: connect/timeout/reset → `issuer-unavailable` (transient);
    /// TLS and pin failures → `issuer-unavailable` (not transient: retrying cannot fix a certificate); an oversized or
    /// unreadable answer → `issuer-error`.
    public static func map(_ error: TransportError, city: String) -> HealthgateError {
        switch error.code {
        case .connectFailed: return .unavailable("\(city) could not be reached")
        case .timeout: return .unavailable("\(city) did not answer in time")
        case .connectionLost: return .unavailable("the connection to \(city) was lost")
        case .tlsHandshakeFailed:
            return HealthgateError(.issuerUnavailable, "the TLS handshake with \(city) failed")
        case .peerCertificateRejected:
            return HealthgateError(.issuerUnavailable, "\(city)'s server certificate is not trusted")
        case .pinMismatch:
            return HealthgateError(.issuerUnavailable, "\(city)'s server key does not match the configured pin")
        case .localCredentialsInvalid:
            return HealthgateError(.issuerUnavailable, "the gateway's client certificate for \(city) cannot be used")
        case .responseTooLarge: return .issuerError("\(city)'s answer is larger than allowed")
        case .cancelled: return HealthgateError(.issuerUnavailable, "the call to \(city) was cancelled")
        case .protocolError: return .issuerError("\(city) answered with something that is not HTTP")
        default: return HealthgateError(.internalError, "the request to \(city) could not be made")
        }
    }
}
