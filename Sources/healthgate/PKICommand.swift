import ArgumentParser
import Foundation
import HealthgatePKI
import HealthgateSimulators

/// `healthgate pki`: development certificates for the local federation.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Development certificates for the local federation.",
        subcommands: [Dev.self]
    )

    /// `healthgate pki dev --out DIR`: a CA per city, server and client certificates, the gateways' CAs.
    struct Dev: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dev",
            abstract: "Create a development PKI: a CA per city with server and gateway client certificates, the gateways' server and client CAs, and checkpoint and transfer-agent certificates.",
            discussion: "For development and tests only: keys are written unencrypted (mode 0600)."
        )

        @Option(name: .long, help: "The directory to write into (created if needed; existing files are replaced).")
        var out: String

        @Option(name: .customLong("add-city"), help: ArgumentHelp(
            "Add a Hangzhou-style city NAME:REGION (e.g. wenzhou:330300) to the PKI in --out, keeping every existing file; repeatable.",
            valueName: "name:region"))
        var addCity: [String] = []

        func run() async throws {
            let directory = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
            let extra = try addCity.map { entry throws(ValidationError) -> DevCity in
                try DevPKIWriter.city(entry)
            }
            if extra.isEmpty {
                let layout = try DevPKIWriter.write(into: directory)
                DemoPrinter.line(DevPKIWriter.summary(of: layout))
                return
            }
            let layout = DevPKILayout(root: directory)
            if !FileManager.default.fileExists(atPath: layout.gatewayClientCA.certificate.path) {
                _ = try DevPKIWriter.write(into: directory)
            }
            for city in extra {
                try DevPKI.addCity(city, into: directory)
                DemoPrinter.line(DevPKIWriter.summary(ofAdded: city, in: layout))
            }
        }
    }
}

/// Writes the development PKI and the Shanghai test signing key beside it, and describes what was written.
enum DevPKIWriter {
    /// Generates the PKI under `directory`, plus `shanghai-signing/` (the test signing key and its JWK set).
    static func write(into directory: URL) throws -> DevPKILayout {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let layout = try DevPKI.generate(into: directory)
        let signing = directory.appendingPathComponent("shanghai-signing")
        try FileManager.default.createDirectory(at: signing, withIntermediateDirectories: true)
        let keyFile = signing.appendingPathComponent("signing-key.pem")
        try Data((ShanghaiSigningKey.testKeyPEM + "\n").utf8).write(to: keyFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        try Data(ShanghaiSigningKey.jwkSet([.test]).serialized().utf8)
            .write(to: signing.appendingPathComponent("keys.json"))
        try writeGatewaySecretsIfAbsent(into: directory)
        return layout
    }

    /// The development gateway's own secrets, which `Config/healthgate.yaml` names: the pseudonym key (32 random bytes)
    /// and the audit signing key (P-256, PKCS#8). Existing files are kept, so pseudonyms and the audit chain's key
    /// survive a regenerated PKI.
    static func writeGatewaySecretsIfAbsent(into directory: URL) throws {
        let secrets: [(String, () -> Data)] = [
            ("pseudonym.key", { Data(DemoKeys.newSecret()) }),
            ("audit-signing.pem", { Data(DemoKeys.newP256PrivateKeyPEM().utf8) }),
        ]
        for (name, make) in secrets {
            let file = directory.appendingPathComponent(name)
            guard !FileManager.default.fileExists(atPath: file.path) else { continue }
            try make().write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        }
    }

    /// A city of `--add-city`: `name:region`, the name lower-case letters, the region six digits.
    static func city(_ entry: String) throws(ValidationError) -> DevCity {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }),
              parts[1].count == 6, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("--add-city takes name:region, e.g. wenzhou:330300 (lower-case name, six-digit region)")
        }
        guard !DevCity.all.contains(where: { $0.name == parts[0] || $0.region == parts[1] }) else {
            throw ValidationError("--add-city \(entry): that name or region is already one of the three cities")
        }
        return DevCity(name: parts[0], region: parts[1])
    }

    /// What `--add-city` wrote for `city`.
    static func summary(ofAdded city: DevCity, in layout: DevPKILayout) -> String {
        let root = layout.root.path
        func rel(_ url: URL) -> String {
            url.path.hasPrefix(root + "/") ? String(url.path.dropFirst(root.count + 1)) : url.path
        }
        var lines = ["Added \(city.name) (\(city.region)) to the development PKI in \(root) (other files kept):"]
        lines.append("    \(rel(layout.cityCA(city).certificate))   federation CA (put it in the gateway's listen.clientCAs for its notifier)")
        lines.append("    \(rel(layout.cityServer(city).certificate))   server, CN=\(city.name)-server")
        lines.append("    \(rel(layout.cityNotifier(city).certificate))   notification client, CN=\(city.name)-notifier")
        for region in DevCity.all.map(\.region) + [city.region] {
            lines.append("    \(rel(layout.gatewayClient(of: region, issuedBy: city).certificate))   client for the gateway of \(region)")
        }
        return lines.joined(separator: "\n")
    }

    /// A readable list of the files, one line each, relative to the root.
    static func summary(of layout: DevPKILayout) -> String {
        let root = layout.root.path
        func rel(_ url: URL) -> String {
            url.path.hasPrefix(root + "/") ? String(url.path.dropFirst(root.count + 1)) : url.path
        }
        var lines = ["Development PKI written to \(root) (keys unencrypted, for development only):"]
        for city in DevCity.all {
            lines.append("  \(city.name) (\(city.region))")
            lines.append("    \(rel(layout.cityCA(city).certificate))   federation CA")
            lines.append("    \(rel(layout.cityServer(city).certificate))   server, CN=\(city.name)-server, SAN localhost 127.0.0.1 ::1")
            lines.append("    \(rel(layout.cityNotifier(city).certificate))   notification client, CN=\(city.name)-notifier")
            for gateway in DevCity.all {
                lines.append(
                    "    \(rel(layout.gatewayClient(of: gateway.region, issuedBy: city).certificate))   client for the gateway of \(gateway.region)")
            }
        }
        lines.append("  gateways")
        lines.append("    \(rel(layout.gatewayServerCA.certificate))   CA of every gateway's server certificate")
        lines.append("    \(rel(layout.gatewayClientCA.certificate))   CA of checkpoints, transfer agents and peer gateways")
        for city in DevCity.all {
            lines.append("    \(rel(layout.gatewayServer(city.region).certificate))   server, CN=gateway-\(city.region)")
            lines.append("    \(rel(layout.gatewayPeerClient(city.region).certificate))   peer client, CN=gateway-\(city.region)")
            lines.append("    \(rel(layout.checkpoint(city.region).certificate))   checkpoint, CN=checkpoint-\(city.region)-01")
            lines.append("    \(rel(layout.transferAgent(city.region).certificate))   transfer agent, CN=transfer-agent-\(city.region)")
        }
        lines.append("  shanghai-signing/signing-key.pem, keys.json   Shanghai QR test signing key (kid ssm-test-1) and its JWK set")
        lines.append("  pseudonym.key, audit-signing.pem   the development gateway's pseudonym key and audit signing key (kept if present)")
        lines.append("Each certificate's key is beside it with the extension .key.")
        return lines.joined(separator: "\n")
    }
}
