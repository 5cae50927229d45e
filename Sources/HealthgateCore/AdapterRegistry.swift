import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import Synchronization

/// The adapters of the configured cities, by region, rebuilt on configuration reload; Shanghai key stores survive
/// reloads (their refreshed keys are worth keeping).
public final class AdapterRegistry: Sendable {
    /// Builds the adapter of one configured city (the default knows every `AdapterKind`).
    public typealias Factory = @Sendable (CityConfiguration, ShanghaiKeyStore?) throws(HealthgateError) -> any CityAdapter

    private struct State {
        var adapters: [RegionCode: any CityAdapter] = [:]
        var order: [RegionCode] = []
        var keyStores: [RegionCode: ShanghaiKeyStore] = [:]
        var keySetPaths: [RegionCode: String] = [:]
    }

    private let state = Mutex(State())
    private let factory: Factory

    /// A registry built from `configuration`.
    public init(configuration: GatewayConfiguration, factory: @escaping Factory = AdapterRegistry.defaultFactory,
                now: Date = Date()) throws(HealthgateError) {
        self.factory = factory
        try rebuild(from: configuration, now: now)
    }

    /// The adapter for `region`.
    public func adapter(for region: RegionCode) -> (any CityAdapter)? { state.withLock { $0.adapters[region] } }

    /// Every adapter, in configuration order.
    public var all: [any CityAdapter] { state.withLock { s in s.order.compactMap { s.adapters[$0] } } }

    /// The key store of `region`, when that city is configured with a key set.
    public func keyStore(for region: RegionCode) -> ShanghaiKeyStore? { state.withLock { $0.keyStores[region] } }

    /// Rebuilds every adapter from a new snapshot; key stores whose key-set file did not change are kept.
    public func rebuild(from configuration: GatewayConfiguration, now: Date = Date()) throws(HealthgateError) {
        var next = State()
        let previous = state.withLock { $0 }
        for city in configuration.cities {
            var store: ShanghaiKeyStore?
            // A city configured with a key set (validation allows one only where codes are checked against keys).
            if city.keySetPath != nil {
                if let kept = previous.keyStores[city.region], previous.keySetPaths[city.region] == city.keySetPath {
                    store = kept
                } else {
                    store = ShanghaiKeyStore(try Self.configuredKeySet(city))
                }
                next.keyStores[city.region] = store
                next.keySetPaths[city.region] = city.keySetPath
            }
            next.adapters[city.region] = try factory(city, store)
            next.order.append(city.region)
        }
        state.withLock { $0 = next }
    }

    /// The JWK set configured by hand for a Shanghai city.
    static func configuredKeySet(_ city: CityConfiguration) throws(HealthgateError) -> ShanghaiKeySet {
        guard let path = city.keySetPath else { return .empty }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HealthgateError(.internalError, "the configured key set of \(city.name) cannot be read")
        }
        return try ShanghaiKeySet(jwks: [UInt8](data))
    }

    /// The Hangzhou-style adapter of `city`: its configured region, QR prefix (Hangzhou's own by default) and name.
    public static func hangzhouStyle(_ city: CityConfiguration) -> HangzhouAdapter {
        HangzhouAdapter(region: city.region, qrPrefix: city.qrPrefix ?? HangzhouAdapter.defaultQRPrefix,
                        cityName: city.name)
    }

    /// The adapter of each native kind: the registry. A new kind of city adds its line here and its own folder.
    /// Kinds whose region is fixed come first; the Hangzhou-style kind takes its region (and prefix) from the city.
    static let natives: KeyValuePairs<AdapterKind, @Sendable (CityConfiguration, ShanghaiKeyStore?) -> any CityAdapter> = [
        .shanghai: { _, store in ShanghaiAdapter(keys: store ?? ShanghaiKeyStore()) },
        .beijing: { _, _ in BeijingAdapter() },
        .hangzhou: { city, _ in hangzhouStyle(city) },
    ]

    /// The adapter of each kind; a `federation` city is reached through its gateway with the native adapter of the
    /// region's own kind, which recognises its codes (a Hangzhou-style one for Hangzhou or a configured `qrPrefix`).
    public static let defaultFactory: Factory = { city, store throws(HealthgateError) in
        if let native = natives.first(where: { $0.key == city.kind })?.value { return native(city, store) }
        for (kind, make) in natives {
            let reaching = make(city, store)
            guard reaching.region == city.region else { continue }
            if kind == .hangzhou, city.region != .hangzhou, city.qrPrefix == nil { break }
            return FederationAdapter(reaching: reaching)
        }
        throw HealthgateError(.internalError, "no native adapter recognises the codes of region \(city.region)")
    }
}
