import Foundation
import HealthgateChildProcess
import HealthgatePKI
import HealthgateSimulators
import Logging
import Testing

/// The demo's pieces: the three cities started together, and the `curl` commands the demo prints.
@Suite struct SimulatedFederationTests {
    struct Done: Error {}

    @Test func theFederationStartsTheThreeCitiesAndThePrintedCurlCommandsWork() async throws {
        try await TestPKI.with { pki in
            let federation = SimulatedFederation(layout: pki.layout)
            await #expect(throws: Done.self) {
                // Ending the run by throwing races Hummingbird's own graceful close ("Already closed", logged as an
                // error): not this test's concern, so only critical lines are logged.
                var quiet = SimulatorServer.quietLogger(label: "healthgate.test")
                quiet.logLevel = .critical
                try await federation.run(logger: quiet) { addresses in
                    #expect(addresses.urls.count == 3)
                    for (city, simulator) in federation.cities {
                        let base = try #require(addresses[city])
                        let lines = CurlExamples.lines(
                            for: simulator, base: base.absoluteString, layout: pki.layout, pkiVariable: "PKI")
                        let commands = lines.filter { !$0.hasPrefix("#") }
                        #expect(commands.count == 4)
                        // The first one as printed (list the holders, the keys, or issue a code): JSON.
                        for command in commands.prefix(1) {
                            let (code, output) = try await Self.shell(command, pki: pki.layout.root.path)
                            #expect(code == 0)
                            #expect(output.first == UInt8(ascii: "{") || output.first == UInt8(ascii: "["), "\(city.name): \(command)")
                        }
                        // The verify/status/query command answers the city's success.
                        let (_, answer) = try await Self.shell(commands[city == .shanghai ? 2 : (city == .beijing ? 1 : 2)], pki: pki.layout.root.path)
                        let text = String(decoding: answer, as: UTF8.self)
                        switch city {
                        case .hangzhou: #expect(text.contains("\"result_code\":\"SUCCESS\""))
                        case .shanghai: #expect(text.contains("\"code\":0"))
                        default: #expect(text.contains("<ReturnCode>0</ReturnCode>"))
                        }
                    }
                    throw Done()
                }
            }
        }
    }

    static func shell(_ command: String, pki: String) async throws -> (Int32, [UInt8]) {
        let (termination, output, _) = try await SpawnedChild.run(
            "/bin/sh", ["-c", command], environment: ["PKI": pki, "PATH": "/usr/bin:/bin"])
        return (termination.status, output)
    }
}
