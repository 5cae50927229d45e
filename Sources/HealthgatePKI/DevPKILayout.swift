import Foundation

/// The file layout of a development federation PKI written by ``DevPKI/generate(into:cities:)``.
///
/// Paths are computed, not looked up, so a caller can find a file without generating anything. Each certificate is
/// `<name>.pem` with its unencrypted PKCS#8 key beside it as `<name>.key` (mode 0600). Certificates are valid from one
/// hour before generation for one year; CAs for ten years. Server certificates have SANs `localhost`, `127.0.0.1`
/// and `::1`.
///
/// ```
/// <root>/
///   cities/<city>/ca.pem                      the city's federation CA (city servers and the city's clients)
///   cities/<city>/server.pem                  CN=<city>-server, EKU serverAuth, issued by the city CA
///   cities/<city>/notifier.pem                CN=<city>-notifier, EKU clientAuth: the city's own notification client
///   cities/<city>/clients/gateway-<region>.pem   CN=gateway-<region>, EKU clientAuth, issued by the city CA to the
///                                             gateway of <region> (one per city in the federation, its own included)
///   gateways/server-ca.pem                    CA for every gateway's server certificate
///   gateways/client-ca.pem                    CA for clients of gateways: checkpoints and peer gateways
///   gateways/<region>/server.pem              CN=gateway-<region>, EKU serverAuth, issued by gateways/server-ca
///   gateways/<region>/peer-client.pem         CN=gateway-<region>, EKU clientAuth, issued by gateways/client-ca,
///                                             for gateway-to-gateway calls
///   gateways/<region>/checkpoint-01.pem       CN=checkpoint-<region>-01, EKU clientAuth, issued by gateways/client-ca
///   gateways/<region>/transfer-agent-01.pem   CN=transfer-agent-<region>, EKU clientAuth, issued by gateways/client-ca:
///                                             the home city's app backend, for POST/GET /v1/transfers
/// ```
public struct DevPKILayout: Hashable, Sendable {
    /// The directory everything is written under.
    public let root: URL

    /// The layout rooted at `root`.
    public init(root: URL) {
        self.root = root
    }

    /// The directory of one city's files.
    public func cityDirectory(_ city: DevCity) -> URL {
        root.appendingPathComponent("cities").appendingPathComponent(city.name)
    }

    /// The city's federation CA certificate, the trust root for its servers and its notifier.
    public func cityCA(_ city: DevCity) -> DevCertificateFiles {
        DevCertificateFiles(directory: cityDirectory(city), name: "ca")
    }

    /// The city's server certificate (`CN=<city>-server`).
    public func cityServer(_ city: DevCity) -> DevCertificateFiles {
        DevCertificateFiles(directory: cityDirectory(city), name: "server")
    }

    /// The city's notification client certificate (`CN=<city>-notifier`).
    public func cityNotifier(_ city: DevCity) -> DevCertificateFiles {
        DevCertificateFiles(directory: cityDirectory(city), name: "notifier")
    }

    /// The client certificate `city` issued to the gateway of `gatewayRegion` (`CN=gateway-<region>`).
    public func gatewayClient(of gatewayRegion: String, issuedBy city: DevCity) -> DevCertificateFiles {
        DevCertificateFiles(
            directory: cityDirectory(city).appendingPathComponent("clients"), name: "gateway-\(gatewayRegion)")
    }

    /// The directory shared by all gateways (their two CAs).
    public var gatewaysDirectory: URL { root.appendingPathComponent("gateways") }

    /// The CA that issues every gateway's server certificate.
    public var gatewayServerCA: DevCertificateFiles {
        DevCertificateFiles(directory: gatewaysDirectory, name: "server-ca")
    }

    /// The CA that issues client certificates for calling gateways (checkpoints, peer gateways).
    public var gatewayClientCA: DevCertificateFiles {
        DevCertificateFiles(directory: gatewaysDirectory, name: "client-ca")
    }

    /// The directory of one gateway's own files.
    public func gatewayDirectory(_ region: String) -> URL {
        gatewaysDirectory.appendingPathComponent(region)
    }

    /// The gateway's server certificate (`CN=gateway-<region>`, serverAuth).
    public func gatewayServer(_ region: String) -> DevCertificateFiles {
        DevCertificateFiles(directory: gatewayDirectory(region), name: "server")
    }

    /// The gateway's client certificate for calling peer gateways (`CN=gateway-<region>`, clientAuth).
    public func gatewayPeerClient(_ region: String) -> DevCertificateFiles {
        DevCertificateFiles(directory: gatewayDirectory(region), name: "peer-client")
    }

    /// A checkpoint's client certificate for calling the gateway of `region` (`CN=checkpoint-<region>-01`).
    public func checkpoint(_ region: String) -> DevCertificateFiles {
        DevCertificateFiles(directory: gatewayDirectory(region), name: "checkpoint-01")
    }

    /// An app backend's client certificate for transfers into `region` (`CN=transfer-agent-<region>`).
    public func transferAgent(_ region: String) -> DevCertificateFiles {
        DevCertificateFiles(directory: gatewayDirectory(region), name: "transfer-agent-01")
    }
}
