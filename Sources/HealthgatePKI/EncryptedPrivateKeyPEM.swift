import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1

/// Encrypts a PKCS#8 private key into an `ENCRYPTED PRIVATE KEY` PEM (RFC 8018 PBES2 with PBKDF2-HMAC-SHA256 and
/// AES-256-CBC), the same scheme `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes.
enum EncryptedPrivateKeyPEM {
    /// PBKDF2 rounds. OpenSSL's own default is 2048; this is a development key, so the cost stays small.
    static let rounds = 2048

    static func encrypt(pkcs8: [UInt8], passphrase: String) throws(DevPKIError) -> String {
        do {
            var generator = SystemRandomNumberGenerator()
            let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let ivBytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                unsafeUncheckedRounds: rounds)
            let ciphertext = try AES._CBC.encrypt(pkcs8, using: key, iv: try AES._CBC.IV(ivBytes: ivBytes))

            var serializer = DER.Serializer()
            try serializer.appendConstructedNode(identifier: .sequence) { info in
                try info.appendConstructedNode(identifier: .sequence) { algorithm in
                    try algorithm.serialize(ObjectIDs.pbes2)
                    try algorithm.appendConstructedNode(identifier: .sequence) { pbes2 in
                        try pbes2.appendConstructedNode(identifier: .sequence) { kdf in
                            try kdf.serialize(ObjectIDs.pbkdf2)
                            try kdf.appendConstructedNode(identifier: .sequence) { params in
                                try params.serialize(ASN1OctetString(contentBytes: ArraySlice(salt)))
                                try params.serialize(rounds)
                                try params.serialize(32)
                                try params.appendConstructedNode(identifier: .sequence) { prf in
                                    try prf.serialize(ObjectIDs.hmacWithSHA256)
                                    try prf.serialize(ASN1Null())
                                }
                            }
                        }
                        try pbes2.appendConstructedNode(identifier: .sequence) { cipher in
                            try cipher.serialize(ObjectIDs.aes256CBC)
                            try cipher.serialize(ASN1OctetString(contentBytes: ArraySlice(ivBytes)))
                        }
                    }
                }
                try info.serialize(ASN1OctetString(contentBytes: ArraySlice(ciphertext)))
            }
            return PEMDocument(type: "ENCRYPTED PRIVATE KEY", derBytes: serializer.serializedBytes).pemString
        } catch {
            throw DevPKIError(.encodingFailed, "cannot encrypt private key")
        }
    }

    private enum ObjectIDs {
        static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
        static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]
        static let hmacWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 9]
        static let aes256CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 42]
    }
}
