import Foundation
import HealthgateConfig
import HealthgateModel
import Testing

/// A city's `support: {phone, url}`: its health-code service, named in explanations of the colours it gives.
@Suite("configuration: support contacts")
struct SupportConfigTests {
    typealias Fixture = ConfigLoaderTests.Fixture

    /// The valid fixture with `support` lines added under Hangzhou.
    static func yaml(hangzhouSupport lines: String) -> String {
        Fixture.valid.replacingOccurrences(of: "    kind: hangzhou\n", with: "    kind: hangzhou\n" + lines)
    }

    @Test("a phone and a page load; a city without support has none; the issuing city carries it")
    func loads() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(Self.yaml(hangzhouSupport: """
                support:
                  phone: "+86 (571) 12345"
                  url: https://hangzhou.example/health-code

            """))
        let config = try ConfigLoader().load(path: fixture.path)
        #expect(config.city(named: "hangzhou")?.support
            == SupportContact(phone: "+86 (571) 12345", url: "https://hangzhou.example/health-code"))
        #expect(config.city(named: "shanghai")?.support == nil)
        let hangzhou = config.issuingCity(.hangzhou)
        #expect(hangzhou.support?.phone == "+86 (571) 12345")
        #expect(hangzhou.configuredName == "hangzhou")
        #expect(config.issuingCity(.beijing) == IssuingCity(region: .beijing))

        try fixture.write(Self.yaml(hangzhouSupport: "    support: {phone: \"12345\"}\n"))
        #expect(try ConfigLoader().load(path: fixture.path).city(named: "hangzhou")?.support == SupportContact(phone: "12345"))
    }

    @Test("placeholders, an empty support, a page that is not https and a phone of words are refused", arguments: [
        ("    support: {phone: \"<hotline>\"}\n", "cities.hangzhou.support.phone"),
        ("    support: {phone: \"0571-XXXXXXX\"}\n", "cities.hangzhou.support.phone"),
        ("    support: {phone: \"12\"}\n", "cities.hangzhou.support.phone"),
        ("    support: {url: \"https://<service page>\"}\n", "cities.hangzhou.support.url"),
        ("    support: {url: \"http://hangzhou.example/\"}\n", "cities.hangzhou.support.url"),
        ("    support: {url: \"hangzhou.example\"}\n", "cities.hangzhou.support.url"),
        ("    support: {}\n", "cities.hangzhou.support"),
    ])
    func refused(lines: String, path: String) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(Self.yaml(hangzhouSupport: lines))
        do {
            _ = try ConfigLoader().load(path: fixture.path)
            Issue.record("an invalid support loaded: \(lines)")
        } catch {
            #expect(error.issues.map(\.path) == [path])
        }
    }
}
