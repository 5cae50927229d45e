import HealthgateAdapters
import HealthgateConfig
import HealthgateModel

/// A city transport that tells `CityActivity` about every call (its duration, and whether it failed: no answer, or
/// HTTP 5xx), then passes the answer or error on unchanged.
public struct ObservedCityTransport: CityTransport {
    let base: any CityTransport
    let activity: CityActivity

    public init(_ base: any CityTransport, activity: CityActivity) {
        self.base = base
        self.activity = activity
    }

    public func send(_ request: NativeRequest, to city: CityConfiguration, timeout: Duration)
        async throws(HealthgateError) -> NativeResponse {
        let started = ContinuousClock.now
        do {
            let response = try await base.send(request, to: city, timeout: timeout)
            activity.call(city.name, duration: .now - started,
                          failure: response.status >= 500 ? "HTTP \(response.status)" : nil)
            return response
        } catch {
            activity.call(city.name, duration: .now - started, failure: error.detail)
            throw error
        }
    }
}
