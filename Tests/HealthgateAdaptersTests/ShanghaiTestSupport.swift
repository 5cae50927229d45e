import Crypto
import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// Fixtures and token minting for the Shanghai, federation and recogniser tests.
enum ShanghaiTestSupport {
    /// The instant every vector of qr-cases.json is judged at: 2020-03-02T08:13:20+08:00.
    static let now = Date(timeIntervalSince1970: 1_583_108_000)
    static let sid = "a3f9c2e17b4d5086"
    static let pseudonyms = PseudonymKey(bytes: Array(repeating: UInt8(0x5A), count: 32))!

    struct MissingFixture: Error { var name: String }

    /// The bytes of `Fixtures/<name>`.
    static func fixture(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw MissingFixture(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    /// The test vector key set (kid `ssm-test-1`).
    static func keySet() throws -> ShanghaiKeySet {
        try ShanghaiKeySet(jwks: fixture("shanghai-keys.json"))
    }

    /// An adapter holding the vector key set.
    static func adapter() throws -> ShanghaiAdapter {
        ShanghaiAdapter(keys: ShanghaiKeyStore(try keySet()))
    }

    /// The test signing key of vectors/shanghai-test-key.pem.
    static func signingKey() throws -> P256.Signing.PrivateKey {
        let pem = String(decoding: try fixture("shanghai-test-key.pem"), as: UTF8.self)
        return try P256.Signing.PrivateKey(pemRepresentation: pem)
    }

    /// A token `SSM1.<claims>.<signature>` over exactly `claimsJSON`, signed by `key` (the test key by default);
    /// `signature` replaces the real one when given.
    static func token(claimsJSON: String, key: P256.Signing.PrivateKey? = nil, signature: [UInt8]? = nil) throws -> String {
        let signed = "SSM1." + Base64URL.encode(Array(claimsJSON.utf8))
        let raw = try signature ?? Array((key ?? signingKey()).signature(for: Array(signed.utf8)).rawRepresentation)
        return signed + "." + Base64URL.encode(raw)
    }

    /// A token with the usual claims, any of which can be changed.
    static func token(sid: String = sid, iat: Int = 1_583_107_200, exp: Int = 1_583_110_800, st: Int = 0,
                      kid: String = "ssm-test-1", key: P256.Signing.PrivateKey? = nil) throws -> String {
        try token(claimsJSON: #"{"v":1,"sid":"\#(sid)","iat":\#(iat),"exp":\#(exp),"st":\#(st),"kid":"\#(kid)"}"#,
                  key: key)
    }

    /// A code as `recognise` returns it for the vector's valid token.
    static func recognisedCode(sid: String = sid) -> RecognisedCode {
        RecognisedCode(issuer: .shanghai, content: "SSM1.test", holderKey: sid,
                       issuedAt: Date(timeIntervalSince1970: 1_583_107_200),
                       validUntil: Date(timeIntervalSince1970: 1_583_110_800), signedStatus: .green, keyID: "ssm-test-1")
    }

    /// A Suishenma answer with a JSON body.
    static func response(_ status: Int, _ body: [UInt8], contentType: String? = "application/json;charset=UTF-8",
                         headers: [HTTPField] = []) -> NativeResponse {
        var all = headers
        if let contentType { all.append(HTTPField("Content-Type", contentType)) }
        return NativeResponse(status: status, headers: all, body: body)
    }

    /// The vector's QR cases of one city.
    static func qrCases(_ city: String) throws -> [QRCase] {
        let data = Data(try fixture("qr-cases.json"))
        let all = try JSONDecoder().decode([String: QRCasesValue].self, from: data)
        guard case .cases(let cases) = all[city] else { return [] }
        return cases
    }

    struct QRCase: Decodable, Sendable, CustomTestStringConvertible {
        var qr: String
        var expect: String
        var why: String?
        var sid: String?
        var st: Int?
        var testDescription: String { "\(expect)\(why.map { " (\($0))" } ?? ""): \(qr.prefix(40))" }
    }

    enum QRCasesValue: Decodable {
        case note(String)
        case cases([QRCase])
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let cases = try? container.decode([QRCase].self) {
                self = .cases(cases)
            } else {
                self = .note(try container.decode(String.self))
            }
        }
    }
}
