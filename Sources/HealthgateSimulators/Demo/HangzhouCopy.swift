import HealthgatePKI

/// A copy of Hangzhou's platform in the local federation (hangzhou.md: same API, its own region, QR prefix, address
/// and certificates), such as Wenzhou 330300 `WZHC2:`.
public struct HangzhouCopy: Hashable, Sendable {
    /// Its name (the key under `cities:`, its PKI folder `cities/<name>/`) and region.
    public var city: DevCity
    /// Its QR prefix: four upper-case letters or digits, then `2:`.
    public var qrPrefix: String

    /// A copy named `city` whose codes start with `qrPrefix`.
    public init(city: DevCity, qrPrefix: String) {
        self.city = city
        self.qrPrefix = qrPrefix
    }

    /// Wenzhou, 330300, `WZHC2:` (hangzhou.md's example).
    public static let wenzhou = HangzhouCopy(city: DevCity(name: "wenzhou", region: "330300"), qrPrefix: "WZHC2:")

    /// A simulator of this copy, notifying with its notifier certificate from `layout` (after `DevPKI.addCity`).
    public func simulator(layout: DevPKILayout, clock: SimulatorClock = SimulatorClock()) -> HangzhouSimulator {
        HangzhouSimulator(
            clock: clock, notificationSender: SimulatorTLSFiles(layout: layout, city: city).notificationSender(),
            name: city.name, region: city.region, qrPrefix: qrPrefix)
    }
}
