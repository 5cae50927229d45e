import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HealthgateSimulators
import Testing

/// Headless Chromium, where installed (`.ci/run` installs Debian's `chromium`).
enum Chromium {
    /// The browser's path: `$CHROMIUM`, else the first of the usual names on the system.
    static let path: String? = {
        var candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        if let explicit = ProcessInfo.processInfo.environment["CHROMIUM"] { candidates.insert(explicit, at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The DOM of `url` after its scripts ran (up to `budgetMs` of virtual time), as `--dump-dom` prints it.
    static func renderedDOM(of url: String, budgetMs: Int = 5000) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("hg-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let outcome = try await ChildProcess.run(
            URL(fileURLWithPath: path!),
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--user-data-dir=\(profile.path)", "--virtual-time-budget=\(budgetMs)", "--dump-dom", url])
        return outcome.output
    }
}

/// The operations page rendered by a real browser shows what `/status` says.
@Suite("operations page in a browser", .serialized)
struct OpsPageBrowserTests {
    @Test("headless Chromium renders every city, the audit head and the configuration hash of /status",
          .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium, or set CHROMIUM)"))
    func rendered() async throws {
        try await FederationHarness.withFederation(copies: [.wenzhou]) { h in
            // Some activity first: a live answer, a cached one, and a city call that fails.
            let qr = try h.federation.hangzhou.issueCode(for: "green-R00")
            #expect(try await h.verify(qr).status == 200)
            #expect(try await h.verify(qr).json["freshness"] as? String == "cached")

            let (status, body) = try await h.ops("/status")
            #expect(status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let cities = try #require(json["cities"] as? [[String: Any]])
            let audit = try #require(json["audit"] as? [String: Any])
            let configuration = try #require(json["configuration"] as? [String: Any])
            #expect(cities.count == 4)
            let hangzhou = try #require(cities.first { $0["name"] as? String == "hangzhou" })
            #expect(hangzhou["calls5m"] as? Int == 1)
            #expect(hangzhou["cacheHitRatio5m"] as? Double == 0.5)
            #expect(hangzhou["breaker"] as? String == "closed")
            #expect(cities.first { $0["name"] as? String == "wenzhou" }?["qrPrefix"] as? String == "WZHC2:")

            let dom = try await Chromium.renderedDOM(of: "http://127.0.0.1:\(h.opsPort)/")
            #expect(dom.contains("data-loaded=\"true\""), "the script did not render /status: \(dom.prefix(400))")
            for city in cities {
                let name = try #require(city["name"] as? String)
                #expect(dom.contains("data-city=\"\(name)\""), "\(name) missing")
                #expect(dom.contains(try #require(city["baseURL"] as? String)))
            }
            #expect(dom.contains("hangzhou HZHC2:") && dom.contains("hangzhou WZHC2:"))
            #expect(dom.contains(try #require(configuration["sha256"] as? String)))
            #expect(dom.contains(">\(try #require(audit["sequence"] as? Int))<"))
            #expect(dom.contains("50.0 % of 2"), "the cache hit ratio of /status is shown")
            #expect(dom.contains("gateway of \(try #require(json["home"] as? String))"))
            // Nothing personal: no QR content, no token.
            #expect(!dom.contains(qr) && !body.contains(String(qr.dropFirst(6))))
        }
    }

    @Test("/, /ops.js and /status are served from the binary with a strict content security policy")
    func served() async throws {
        try await FederationHarness.withFederation { h in
            let page = try await h.ops("/")
            #expect(page.status == 200)
            #expect(page.body.contains("<script src=\"/ops.js\"></script>"))
            #expect(!page.body.contains("http://") && !page.body.contains("https://"), "nothing fetched from elsewhere")
            let script = try await h.ops("/ops.js")
            #expect(script.status == 200 && script.body.contains("fetch(\"/status\""))
            let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(h.opsPort)/")!)
            let csp = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Security-Policy")
            #expect(csp?.contains("default-src 'none'") == true)
        }
    }
}
