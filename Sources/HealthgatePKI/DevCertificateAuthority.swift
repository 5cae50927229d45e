import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed development certificate authority (P-256) that issues leaf certificates.
///
/// A value type: copy it freely; every copy signs with the same key.
public struct DevCertificateAuthority: Sendable {
    /// The CA's self-signed certificate and key.
    public let identity: DevCertificate

    /// The CA certificate, the trust root to give to peers.
    public var certificate: Certificate { identity.certificate }

    /// Creates a new CA with a fresh P-256 key.
    ///
    /// - Parameters:
    ///   - commonName: The CA's subject common name.
    ///   - organization: An optional subject organisation.
    ///   - notBefore: Start of validity (default: one hour ago).
    ///   - notAfter: End of validity (default: ten years from now).
    public init(
        commonName: String,
        organization: String? = nil,
        notBefore: Date = Date().addingTimeInterval(-3600),
        notAfter: Date = Date().addingTimeInterval(10 * 365 * 24 * 3600)
    ) throws(DevPKIError) {
        guard notAfter > notBefore else {
            throw DevPKIError(.invalidValidity, "CA \(commonName): notAfter must be after notBefore")
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        do {
            let name = try Self.distinguishedName(commonName: commonName, organization: organization)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key))
            self.identity = DevCertificate(certificate: certificate, privateKey: key)
        } catch {
            throw DevPKIError(.encodingFailed, "cannot build CA certificate \(commonName)")
        }
    }

    /// Wraps an existing CA certificate and its key (for example, read back from files).
    public init(identity: DevCertificate) {
        self.identity = identity
    }

    /// Issues a leaf certificate with a fresh P-256 key, as described by `request`.
    public func issue(_ request: LeafCertificateRequest) throws(DevPKIError) -> DevCertificate {
        guard request.notAfter > request.notBefore else {
            throw DevPKIError(.invalidValidity, "\(request.commonName): notAfter must be after notBefore")
        }
        var alternativeNames: [GeneralName] = request.dnsNames.map { .dnsName($0) }
        for address in request.ipAddresses {
            let bytes = try IPAddressBytes.parse(address)
            alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let issuerKeyIdentifier = (try? certificate.extensions.subjectKeyIdentifier)??.keyIdentifier
        // Fixed order so that the same request always gives the same extension list.
        let usages = CertificatePurpose.allCases.filter { request.purposes.contains($0) }.map { purpose in
            switch purpose {
            case .serverAuth: ExtendedKeyUsage.Usage.serverAuth
            case .clientAuth: ExtendedKeyUsage.Usage.clientAuth
            }
        }
        do {
            let subject = try Self.distinguishedName(
                commonName: request.commonName, organization: request.organization)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                if let keyUsage = request.keyUsage {
                    Critical(keyUsage)
                }
                if !usages.isEmpty {
                    try ExtendedKeyUsage(usages)
                }
                if !alternativeNames.isEmpty {
                    SubjectAlternativeNames(alternativeNames)
                }
                SubjectKeyIdentifier(hash: publicKey)
                if let issuerKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier)
                }
            }
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: request.notBefore, notValidAfter: request.notAfter,
                issuer: certificate.subject, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(identity.privateKey))
            return DevCertificate(certificate: leaf, privateKey: key)
        } catch {
            throw DevPKIError(.encodingFailed, "cannot build certificate \(request.commonName)")
        }
    }

    /// Writes `<name>.pem` and `<name>.key` (0600) for the CA into `directory`.
    @discardableResult
    public func write(to directory: URL, name: String) throws(DevPKIError) -> DevCertificateFiles {
        try identity.write(to: directory, name: name)
    }

    private static func distinguishedName(commonName: String, organization: String?) throws -> DistinguishedName {
        try DistinguishedName {
            if let organization {
                OrganizationName(organization)
            }
            CommonName(commonName)
        }
    }
}
