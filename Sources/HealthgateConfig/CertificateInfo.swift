import Crypto
import Foundation
import HealthgateModel
import SwiftASN1
import X509

/// What the gateway needs to know of one X.509 certificate: who it names, its SHA-256 fingerprint, its validity and
/// extended key usages. Built from DER, so the same value comes from a PEM file or a TLS peer.
public struct CertificateInfo: Sendable {
    /// The parsed certificate.
    public var certificate: Certificate
    /// Lower-case hex SHA-256 of the DER encoding.
    public var fingerprint: String
    /// The subject's common name, when it has one.
    public var subjectCN: String?
    /// The subject as an RFC 4514 string.
    public var subject: String
    /// Whether the certificate carries EKU clientAuth (read once: the request path asks on every request).
    public let isClientCertificate: Bool

    /// Parses DER bytes.
    public init(der: [UInt8]) throws {
        self.certificate = try Certificate(derEncoded: der)
        self.fingerprint = SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        self.subject = String(describing: certificate.subject)
        self.subjectCN = Self.commonName(of: certificate.subject)
        self.isClientCertificate = (try? certificate.extensions.extendedKeyUsage)?.contains(.clientAuth) ?? false
    }

    /// The first common name of a distinguished name.
    public static func commonName(of name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { return text }
            }
        }
        return nil
    }

    /// Whether the certificate carries EKU `usage` (a certificate without the extension carries none).
    public func hasExtendedKeyUsage(_ usage: ExtendedKeyUsage.Usage) -> Bool {
        guard let eku = try? certificate.extensions.extendedKeyUsage else { return false }
        return eku.contains(usage)
    }

    /// Whether `now` lies within the validity period.
    public func isValid(at now: Date) -> Bool {
        now >= certificate.notValidBefore && now <= certificate.notValidAfter
    }

    /// Whole days until `notValidAfter` (negative once expired).
    public func daysToExpiry(at now: Date) -> Int {
        Int((certificate.notValidAfter.timeIntervalSince(now) / 86400).rounded(.down))
    }

    /// Whether `ca` signed this certificate (issuer name and signature).
    public func isIssued(by ca: Certificate) -> Bool {
        certificate.issuer == ca.subject && ca.publicKey.isValidSignature(certificate.signature, for: certificate)
    }
}

/// Reads PEM files into DER blocks of one kind.
public enum PEMFile {
    /// The DER bodies of every `-----BEGIN <label>-----` block in `text` (`PEMText.blocks`).
    public static func blocks(_ text: String, label: String) -> [[UInt8]] {
        PEMText.blocks(text, label: label)
    }

    /// Every certificate in a PEM file.
    public static func certificates(atPath path: String) throws -> [CertificateInfo] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try blocks(text, label: "CERTIFICATE").map { try CertificateInfo(der: $0) }
    }
}
