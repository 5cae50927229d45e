import Foundation

extension DevPKI {
    /// Adds one city (a copy of Hangzhou's platform, say Wenzhou 330300) to an existing development PKI under
    /// `directory`, leaving every other file as it is: the city's CA, its server and notifier certificates, and a client
    /// certificate for the gateway of each region in `gateways` (default: the three cities' and the new city's own).
    ///
    /// A running gateway and running simulators keep working: nothing they use is replaced.
    @discardableResult
    public static func addCity(
        _ city: DevCity, into directory: URL, gateways: [String] = DevCity.all.map(\.region)
    ) throws(DevPKIError) -> DevPKILayout {
        let layout = DevPKILayout(root: directory)
        let ca = try DevCertificateAuthority(
            commonName: "\(city.name) federation CA", organization: "healthgate dev \(city.region)")
        try ca.write(to: layout.cityDirectory(city), name: "ca")
        try place(ca.issue(.server(commonName: "\(city.name)-server")), at: layout.cityServer(city))
        try place(ca.issue(.client(commonName: "\(city.name)-notifier")), at: layout.cityNotifier(city))
        var regions = gateways
        if !regions.contains(city.region) { regions.append(city.region) }
        for region in regions {
            try place(ca.issue(.client(commonName: "gateway-\(region)")),
                      at: layout.gatewayClient(of: region, issuedBy: city))
        }
        return layout
    }

    private static func place(_ certificate: DevCertificate, at files: DevCertificateFiles) throws(DevPKIError) {
        try certificate.write(
            to: files.certificate.deletingLastPathComponent(),
            name: files.certificate.deletingPathExtension().lastPathComponent)
    }
}
