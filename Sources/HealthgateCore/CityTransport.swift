import HealthgateAdapters
import HealthgateConfig
import HealthgateModel

/// Sends a city's native request over mutual TLS and returns its native answer; failures already mapped to
/// `HealthgateError` (`issuer-unavailable` transient for connect/timeout/reset/5xx, `issuer-error` for an oversized
/// answer). An HTTP error status is an answer, not a failure: the adapter reads it.
public protocol CityTransport: Sendable {
    /// Sends `request` to `city`, giving up after `timeout`.
    func send(_ request: NativeRequest, to city: CityConfiguration, timeout: Duration) async throws(HealthgateError)
        -> NativeResponse
}
