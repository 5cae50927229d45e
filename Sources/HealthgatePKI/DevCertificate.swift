import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate with its P-256 private key, as issued by a ``DevCertificateAuthority``.
///
/// Exports PEM strings and files, the curl-style SPKI pin and the SHA-256 fingerprint.
public struct DevCertificate: Sendable {
    /// The certificate.
    public let certificate: Certificate
    /// The certificate's private key.
    public let privateKey: P256.Signing.PrivateKey

    /// Pairs a certificate with its private key.
    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// The certificate as a PEM `CERTIFICATE` block.
    public var certificatePEM: String {
        get throws(DevPKIError) { try CertificateDigests.pem(of: certificate) }
    }

    /// The private key as an unencrypted PKCS#8 PEM `PRIVATE KEY` block.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// The private key as a PKCS#8 PEM `ENCRYPTED PRIVATE KEY` block (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC),
    /// readable by OpenSSL and curl with the same passphrase.
    public func encryptedPrivateKeyPEM(passphrase: String) throws(DevPKIError) -> String {
        try EncryptedPrivateKeyPEM.encrypt(pkcs8: Array(privateKey.derRepresentation), passphrase: passphrase)
    }

    /// The SPKI pin in curl's `CURLOPT_PINNEDPUBLICKEY` form: `sha256//<base64 of SHA-256(SubjectPublicKeyInfo)>`.
    public var spkiPin: String { CertificateDigests.spkiPin(ofSPKI: privateKey.publicKey.derRepresentation) }

    /// The SHA-256 fingerprint of the DER certificate, lower-case hex without separators.
    public var fingerprintSHA256: String {
        get throws(DevPKIError) { try CertificateDigests.fingerprintSHA256(of: certificate) }
    }

    /// Writes `<name>.pem` (mode 0644) and `<name>.key` (mode 0600) into `directory`, creating it if needed.
    @discardableResult
    public func write(to directory: URL, name: String) throws(DevPKIError) -> DevCertificateFiles {
        let files = DevCertificateFiles(directory: directory, name: name)
        try PEMFileWriter.write(try certificatePEM, to: files.certificate, mode: 0o644)
        try PEMFileWriter.write(privateKeyPEM, to: files.privateKey, mode: 0o600)
        return files
    }

    /// Writes the private key encrypted with `passphrase` to `<name>.enc.key` (mode 0600) in `directory`.
    @discardableResult
    public func writeEncryptedKey(to directory: URL, name: String, passphrase: String) throws(DevPKIError) -> URL {
        let url = directory.appendingPathComponent("\(name).enc.key")
        try PEMFileWriter.write(try encryptedPrivateKeyPEM(passphrase: passphrase), to: url, mode: 0o600)
        return url
    }
}

/// The file paths of a certificate written by ``DevCertificate/write(to:name:)``: `<name>.pem` and `<name>.key`.
public struct DevCertificateFiles: Hashable, Sendable {
    /// The PEM certificate, `<directory>/<name>.pem`.
    public let certificate: URL
    /// The unencrypted PKCS#8 PEM private key, `<directory>/<name>.key`.
    public let privateKey: URL

    /// The paths for `name` in `directory` (nothing is read or written).
    public init(directory: URL, name: String) {
        self.certificate = directory.appendingPathComponent("\(name).pem")
        self.privateKey = directory.appendingPathComponent("\(name).key")
    }
}
