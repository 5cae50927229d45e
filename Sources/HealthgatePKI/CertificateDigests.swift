import Crypto
import Foundation
import SwiftASN1
import X509

/// PEM encoding, SPKI pins and fingerprints for any certificate (not only development ones).
public enum CertificateDigests {
    /// The certificate as a PEM `CERTIFICATE` block.
    public static func pem(of certificate: Certificate) throws(DevPKIError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString
        } catch {
            throw DevPKIError(.encodingFailed, "cannot encode certificate as PEM")
        }
    }

    /// The DER bytes of the certificate.
    public static func der(of certificate: Certificate) throws(DevPKIError) -> [UInt8] {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw DevPKIError(.encodingFailed, "cannot encode certificate as DER")
        }
        return serializer.serializedBytes
    }

    /// `sha256//<base64>` of the certificate's DER SubjectPublicKeyInfo, as curl's `CURLOPT_PINNEDPUBLICKEY` expects
    /// (the same as `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`).
    public static func spkiPin(of certificate: Certificate) throws(DevPKIError) -> String {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate.publicKey)
        } catch {
            throw DevPKIError(.encodingFailed, "cannot encode the public key as DER")
        }
        return spkiPin(ofSPKI: serializer.serializedBytes)
    }

    /// `sha256//<base64>` of DER SubjectPublicKeyInfo bytes.
    public static func spkiPin(ofSPKI der: some DataProtocol) -> String {
        "sha256//" + Data(SHA256.hash(data: der)).base64EncodedString()
    }

    /// The SHA-256 fingerprint of the DER certificate, lower-case hex without separators.
    public static func fingerprintSHA256(of certificate: Certificate) throws(DevPKIError) -> String {
        let digest = SHA256.hash(data: try der(of: certificate))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Reads the first certificate of a PEM string.
    public static func certificate(fromPEM pem: String) throws(DevPKIError) -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw DevPKIError(.unreadable, "not a PEM certificate")
        }
    }
}
