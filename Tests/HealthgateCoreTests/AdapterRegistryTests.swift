import HealthgateAdapters
@testable import HealthgateConfig
@testable import HealthgateCore
import HealthgateModel
import Testing

/// The registry builds each kind's adapter from one line per kind, and the core asks adapters, not city names, what
/// they can do.
@Suite struct AdapterRegistryTests {
    @Test func eachKindGetsItsAdapterAndAFederationCityTheNativeOneOfItsRegion() throws {
        let natives = [(AdapterKind.hangzhou, "330100"), (.shanghai, "310000"), (.beijing, "110000")]
        for (kind, region) in natives {
            let city = CoreFixtures.city(name: "\(kind)", region: RegionCode(rawValue: region)!, kind: kind)
            let adapter = try AdapterRegistry.defaultFactory(city, nil)
            #expect(adapter.region.rawValue == region)
            #expect(!(adapter is FederationAdapter))
            let peer = CoreFixtures.city(name: "peer", region: RegionCode(rawValue: region)!, kind: .federation)
            let reaching = try AdapterRegistry.defaultFactory(peer, nil)
            #expect(reaching is FederationAdapter)
            #expect(reaching.region.rawValue == region)
        }
        let unknown = CoreFixtures.city(name: "wuhan", region: RegionCode(rawValue: "420100")!, kind: .federation)
        #expect(throws: HealthgateError.self) { try AdapterRegistry.defaultFactory(unknown, nil) }
    }

    @Test func capabilitiesAreTheAdaptersOwn() throws {
        func adapter(_ kind: AdapterKind, _ region: String) throws -> any CityAdapter {
            try AdapterRegistry.defaultFactory(
                CoreFixtures.city(name: "\(kind)", region: RegionCode(rawValue: region)!, kind: kind), nil)
        }
        let shanghai = try adapter(.shanghai, "310000")
        #expect(shanghai.keySetRefresh != nil)
        #expect(shanghai.sendsNotifications)
        let hangzhou = try adapter(.hangzhou, "330100")
        #expect(hangzhou.keySetRefresh == nil)
        #expect(hangzhou.sendsNotifications)
        let beijing = try adapter(.beijing, "110000")
        #expect(beijing.keySetRefresh == nil)
        #expect(!beijing.sendsNotifications)
        let peer = try adapter(.federation, "310000")
        #expect(peer.keySetRefresh == nil)  // a peer's key set is configured by hand
        #expect(!peer.sendsNotifications)  // peers announce through /federation/v1/status-events
    }
}
