import Foundation

/// Generates a complete development federation PKI on disk; see ``DevPKILayout`` for what goes where.
public enum DevPKI {
    /// Writes CAs, server and client certificates for `cities` and their gateways under `directory`.
    ///
    /// Every call makes new keys; file names depend only on the cities (see ``DevPKILayout``). Existing files are
    /// replaced.
    @discardableResult
    public static func generate(
        into directory: URL, cities: [DevCity] = DevCity.all
    ) throws(DevPKIError) -> DevPKILayout {
        let layout = DevPKILayout(root: directory)
        for city in cities {
            let ca = try DevCertificateAuthority(
                commonName: "\(city.name) federation CA", organization: "healthgate dev \(city.region)")
            try ca.write(to: layout.cityDirectory(city), name: "ca")
            try write(ca.issue(.server(commonName: "\(city.name)-server")), to: layout.cityServer(city))
            try write(ca.issue(.client(commonName: "\(city.name)-notifier")), to: layout.cityNotifier(city))
            for gateway in cities {
                try write(
                    ca.issue(.client(commonName: "gateway-\(gateway.region)")),
                    to: layout.gatewayClient(of: gateway.region, issuedBy: city))
            }
        }
        let serverCA = try DevCertificateAuthority(
            commonName: "healthgate gateway server CA", organization: "healthgate dev")
        try serverCA.write(to: layout.gatewaysDirectory, name: "server-ca")
        let clientCA = try DevCertificateAuthority(
            commonName: "healthgate gateway client CA", organization: "healthgate dev")
        try clientCA.write(to: layout.gatewaysDirectory, name: "client-ca")
        for city in cities {
            let region = city.region
            try write(serverCA.issue(.server(commonName: "gateway-\(region)")), to: layout.gatewayServer(region))
            try write(clientCA.issue(.client(commonName: "gateway-\(region)")), to: layout.gatewayPeerClient(region))
            try write(clientCA.issue(.client(commonName: "checkpoint-\(region)-01")), to: layout.checkpoint(region))
            try write(clientCA.issue(.client(commonName: "transfer-agent-\(region)")), to: layout.transferAgent(region))
        }
        return layout
    }

    private static func write(_ certificate: DevCertificate, to files: DevCertificateFiles) throws(DevPKIError) {
        try certificate.write(
            to: files.certificate.deletingLastPathComponent(),
            name: files.certificate.deletingPathExtension().lastPathComponent)
    }
}
