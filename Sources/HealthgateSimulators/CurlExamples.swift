import Foundation
import HealthgatePKI

/// `curl` command lines that talk to a running simulated city directly, for the demo and `healthgate simulate`.
public enum CurlExamples {
    /// Commands for `city` at `base`, as the gateway of `callerRegion` (its client certificate from the city's CA):
    /// mint a code through the admin endpoint, verify a freshly issued code, flip a status, set a fault.
    ///
    /// With `pkiVariable` (e.g. `PKI`), file paths are written `$PKI/…` instead of in full.
    public static func lines(
        for simulator: any SimulatedCity, base: String, layout: DevPKILayout, callerRegion: String = "310000",
        pkiVariable: String? = nil
    ) -> [String] {
        let lines = fullLines(for: simulator, base: base, layout: layout, callerRegion: callerRegion)
        guard let pkiVariable else { return lines }
        return lines.map { $0.replacingOccurrences(of: layout.root.path, with: "$" + pkiVariable) }
    }

    private static func fullLines(
        for simulator: any SimulatedCity, base: String, layout: DevPKILayout, callerRegion: String
    ) -> [String] {
        let city = DevCity(name: simulator.name, region: simulator.region)
        let client = layout.gatewayClient(of: callerRegion, issuedBy: city)
        let tls = "--cert \(client.certificate.path) --key \(client.privateKey.path) --cacert \(layout.cityCA(city).certificate.path)"
        let json = "-H 'Content-Type: application/json'"
        var lines: [String] = []
        func add(_ comment: String, _ command: String) {
            lines.append("# \(comment)")
            lines.append(command)
        }
        switch simulator {
        case let hangzhou as HangzhouSimulator:
            let qr = (try? hangzhou.issueCode(for: "yellow-R12")) ?? "HZHC2:…"
            add("list the seeded holders", "curl -s \(tls) \(base)/_admin/holders")
            add("issue a current code for holder yellow-R12", "curl -s \(tls) -X POST \(base)/_admin/holders/yellow-R12/code")
            add(
                "verify a code (valid 300 s from now)",
                "curl -s \(tls) \(json) -H 'X-HZ-Request-Id: \(UUID().uuidString.lowercased())' -d '{\"city_code\":\"\(callerRegion)\",\"code_content\":\"\(qr)\",\"industry_type\":\"transport\",\"request_time\":\"\(LocalTime.dashed(hangzhou.clock.now()))\"}' \(base)/open/healthcode/v2/verify")
            add("turn the holder red (notifies subscribers)", "curl -s \(tls) \(json) -d '{\"status\":\"red\",\"reason\":\"R21\"}' \(base)/_admin/holders/yellow-R12/status")
        case let shanghai as ShanghaiSimulator:
            let sid = shanghai.holder("yellow-keyarea")?.sid ?? "a3f9c2e17b4d5086"
            add("the signing keys (JWK set)", "curl -s \(tls) \(base)/sssm/v1/keys")
            add("issue a signed code for holder yellow-keyarea", "curl -s \(tls) -X POST \(base)/_admin/holders/yellow-keyarea/code")
            add(
                "a holder's status",
                "curl -s \(tls) -H 'X-SSM-Caller: \(callerRegion)' -H 'X-SSM-Request-Id: \(UUID().uuidString.lowercased())' \(base)/sssm/v1/holders/\(sid)/status")
            add("rate-limit the next request (429 with Retry-After)", "curl -s \(tls) \(json) -d '{\"fault\":\"rate-limited\",\"retryAfter\":2,\"times\":1}' \(base)/_admin/fault")
        case let beijing as BeijingSimulator:
            let qr = (try? beijing.issueCode(for: "yellow-popup1")) ?? "BJJXXZ|…"
            let xml = "<HealthStatusQueryRequest><RequestId>\(UUID().uuidString.lowercased())</RequestId><RequestTime>\(LocalTime.compact(beijing.clock.now()))</RequestTime><CallerRegion>\(callerRegion)</CallerRegion><QrContent>\(qr)</QrContent><Purpose>checkpoint</Purpose></HealthStatusQueryRequest>"
            add("issue a current code for holder yellow-popup1", "curl -s \(tls) -X POST \(base)/_admin/holders/yellow-popup1/code")
            add("query a status (code valid 600 s from now)", "curl -s \(tls) -H 'Content-Type: application/xml; charset=UTF-8' -d '\(xml)' \(base)/jxxz/ws/HealthStatusQuery")
            add("answer in GB18030 like an older node", "curl -s \(tls) \(json) -d '{\"encoding\":\"gb18030\"}' \(base)/_admin/encoding")
            add("the front proxy's HTML 502 for the next request", "curl -s \(tls) \(json) -d '{\"fault\":\"proxy-502\",\"times\":1}' \(base)/_admin/fault")
        default:
            break
        }
        return lines
    }
}
