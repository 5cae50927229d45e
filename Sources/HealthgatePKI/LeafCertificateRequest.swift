import Foundation
import X509

/// What a development CA should put in a leaf certificate: subject, SANs, purposes, validity and key usage.
///
/// The defaults give a certificate valid from one hour ago for one year, for `localhost`, `127.0.0.1` and `::1`,
/// with key usage `digitalSignature` and the purposes you ask for.
public struct LeafCertificateRequest: Hashable, Sendable {
    /// The subject common name (`CN=`), for example `gateway-310000`.
    public var commonName: String
    /// An optional subject organisation (`O=`).
    public var organization: String?
    /// DNS subject alternative names.
    public var dnsNames: [String]
    /// IP subject alternative names in text form (`127.0.0.1`, `::1`).
    public var ipAddresses: [String]
    /// Extended key usages; an empty set omits the extension.
    public var purposes: Set<CertificatePurpose>
    /// The start of the validity window.
    public var notBefore: Date
    /// The end of the validity window.
    public var notAfter: Date
    /// The key usage bits; `nil` omits the extension.
    public var keyUsage: KeyUsage?

    /// Creates a request; every field but the common name and purposes has a development default.
    public init(
        commonName: String,
        organization: String? = nil,
        dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1", "::1"],
        purposes: Set<CertificatePurpose>,
        notBefore: Date = Date().addingTimeInterval(-3600),
        notAfter: Date = Date().addingTimeInterval(365 * 24 * 3600),
        keyUsage: KeyUsage? = KeyUsage(digitalSignature: true)
    ) {
        self.commonName = commonName
        self.organization = organization
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.purposes = purposes
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.keyUsage = keyUsage
    }

    /// A TLS server certificate (EKU serverAuth) for the default loopback names.
    public static func server(commonName: String) -> Self {
        Self(commonName: commonName, purposes: [.serverAuth])
    }

    /// A TLS client certificate (EKU clientAuth) with no subject alternative names.
    public static func client(commonName: String) -> Self {
        Self(commonName: commonName, dnsNames: [], ipAddresses: [], purposes: [.clientAuth])
    }
}
