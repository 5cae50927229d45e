import Foundation
import HealthgatePKI
import HealthgateSimulators
import Testing

/// The fault switches and the admin endpoints, over real mutual TLS.
@Suite struct FaultAndAdminTests {
    @Test func adminEndpointsIssueCodesAndChangeStatuses() async throws {
        try await TestPKI.with { pki in
            let simulator = HangzhouSimulator()
            try await simulator.withRunningServer(tls: pki.tls(.hangzhou)) { url in
                let client = pki.gateway("310000", calling: .hangzhou)
                let code = try await client.postJSON(url.path("/_admin/holders/green-R00/code"), [:])
                #expect(code.status == 200)
                let qr = try #require(code.json?["qr"] as? String)
                let changed = try await client.postJSON(
                    url.path("/_admin/holders/green-R00/status"), ["status": "red", "reason": "R21", "observationEnd": "2020-03-20"])
                #expect(changed.status == 200)
                let verify = try await client.postJSON(
                    url.path("/open/healthcode/v2/verify"),
                    ["city_code": "310000", "code_content": qr, "industry_type": "office", "request_time": "2020-03-02 08:15:00"],
                    headers: ["X-HZ-Request-Id": "x"])
                let data = try #require(verify.json?["data"] as? [String: Any])
                #expect(data["code_color"] as? String == "red")
                #expect(data["color_reason"] as? String == "R21")
                #expect(data["quarantine_until"] as? String == "2020-03-20")
                let unknown = try await client.postJSON(url.path("/_admin/holders/nobody/code"), [:])
                #expect(unknown.status == 404)
                let badStatus = try await client.postJSON(url.path("/_admin/holders/green-R00/status"), ["status": "purple"])
                #expect(badStatus.status == 400)
                let list = try await client.send("GET", url.path("/_admin/holders"))
                #expect(((try? JSONSerialization.jsonObject(with: Data(list.body))) as? [Any])?.count == simulator.holders.count)
                // A fault through the admin endpoint.
                let fault = try await client.postJSON(url.path("/_admin/fault"), ["fault": "proxy-502", "times": 1])
                #expect(fault.status == 200)
                let proxied = try await client.postJSON(url.path("/open/healthcode/v2/verify"), [:], headers: ["X-HZ-Request-Id": "x"])
                #expect(proxied.status == 502)
                #expect(simulator.faults.current == nil)
            }
        }
    }

    @Test func resetHangGarbageAndOversizedAnswers() async throws {
        try await TestPKI.with { pki in
            let simulator = ShanghaiSimulator()
            try await simulator.withRunningServer(tls: pki.tls(.shanghai)) { url in
                let client = pki.gateway("310000", calling: .shanghai)
                let keys = url.path("/sssm/v1/keys")
                simulator.faults.once(.reset)
                let reset = try await client.send("GET", keys)
                #expect(reset.exitCode != 0, "the connection closes mid-answer")
                simulator.faults.once(.garbage)
                let garbage = try await client.send("GET", keys)
                #expect(garbage.status == 200)
                #expect(garbage.json == nil)
                simulator.faults.once(.oversized(bytes: 10 * 1024 * 1024))
                let big = try await client.send("GET", keys)
                #expect(big.body.count == 10 * 1024 * 1024)
                simulator.faults.once(.slow(milliseconds: 50))
                #expect(try await client.send("GET", keys).status == 200)
                simulator.faults.set(.hang)
                let hung = try await client.send("GET", keys, maxTime: 1)
                #expect(hung.exitCode == 28, "curl's timeout")
                simulator.faults.clear()
                #expect(try await client.send("GET", keys).status == 200)
            }
        }
    }

    @Test func generatedIDNumbersAreValid() {
        for seed in ["a", "b", "c", "d"] {
            let id = ResidentIDGenerator.make(seed: seed, region: "330106")
            #expect(ResidentIDGenerator.isValid(id))
            #expect(id.count == 18)
        }
        #expect(ResidentIDGenerator.isValid(TestIDs.hangzhouExample))
        #expect(ResidentIDGenerator.isValid(TestIDs.beijingExample))
        #expect(!ResidentIDGenerator.isValid("330106199001011230"))
        #expect(!ResidentIDGenerator.isValid("33010619900230123X".replacingOccurrences(of: "X", with: "1")))
    }
}
