import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel

/// Where a city that notifies (Hangzhou-style `COLOR_CHANGED`, Shanghai `status.changed`) must POST, and who it must
/// be: the URL is `/notifications/<the city's key under cities:>` (renaming the key changes it), the caller needs the
/// role `notifier:<region>` from an identity rule whose CA is also in `listen.clientCAs`.
public struct NotificationEndpoint: Sendable, Hashable {
    /// The key under `cities:`.
    public var city: String
    /// The city's region.
    public var region: RegionCode
    /// The URL to give the city.
    public var url: String
    /// The role its notifier certificate needs.
    public var role: String
    /// The `identities[i]` rules giving that role (empty: nobody can notify yet).
    public var identityKeys: [String]

    /// The notification endpoints of `configuration`, with the API reachable at `host:port` (the configured ones by
    /// default; give the bound port when the configuration says 0).
    public static func all(in configuration: GatewayConfiguration, host: String? = nil, port: Int? = nil)
        -> [NotificationEndpoint] {
        let host = host ?? configuration.listen.host
        let port = port ?? configuration.listen.port
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        // Which cities notify is their adapter's capability (`CityAdapter.sendsNotifications`).
        let notifying = configuration.cities.filter { city in
            (try? AdapterRegistry.defaultFactory(city, nil))?.sendsNotifications == true
        }
        return notifying.map { city in
            let role = Role.notifier(city.region)
            let keys = configuration.identities.enumerated().filter { $0.element.role == role }.map { "identities[\($0.offset)]" }
            return NotificationEndpoint(city: city.name, region: city.region,
                                        url: "https://\(authority)/notifications/\(city.name)",
                                        role: role.description, identityKeys: keys)
        }
    }
}
