import Crypto
import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct ShanghaiRecogniseTests {
    typealias S = ShanghaiTestSupport

    @Test(arguments: try S.qrCases("shanghai"))
    func vectorCase(_ item: S.QRCase) throws {
        let adapter = try S.adapter()
        if item.expect == "valid" {
            let code = try #require(try adapter.recognise(item.qr, now: S.now))
            #expect(code.issuer == .shanghai)
            #expect(code.holderKey == item.sid)
            #expect(code.signedStatus == ShanghaiStatusCode.status(item.st ?? -1))
            #expect(code.keyID == "ssm-test-1")
            #expect(code.issuedAt == Date(timeIntervalSince1970: 1_583_107_200))
            #expect(code.validUntil == Date(timeIntervalSince1970: 1_583_110_800))
            #expect(code.content == item.qr)
        } else {
            let error = #expect(throws: HealthgateError.self) { try adapter.recognise(item.qr, now: S.now) }
            #expect(error?.code.rawValue == item.expect)
        }
    }

    @Test func otherCitiesAreNotClaimed() throws {
        let adapter = try S.adapter()
        for qr in ["HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F", "BJJXXZ|11010520200302000017|20200302081000|7c1e04ab", "",
                   "ssm1.abc.def", "SSM2.a.b"] {
            #expect(try adapter.recognise(qr, now: S.now) == nil)
        }
    }

    @Test func freshTokenWithEveryStatus() throws {
        let adapter = try S.adapter()
        for (st, status) in [(0, HealthStatus.green), (1, .yellow), (2, .red), (9, .unknown)] {
            let code = try #require(try adapter.recognise(try S.token(st: st), now: S.now))
            #expect(code.signedStatus == status)
        }
    }

    @Test func expiryAllowsSixtySecondsOfSkew() throws {
        let adapter = try S.adapter()
        let qr = try S.token()
        let exp = Date(timeIntervalSince1970: 1_583_110_800)
        #expect(try adapter.recognise(qr, now: exp.addingTimeInterval(60)) != nil)
        let error = #expect(throws: HealthgateError.self) { try adapter.recognise(qr, now: exp.addingTimeInterval(61)) }
        #expect(error?.code == .codeExpired)
    }

    @Test func issuedOutsideTheKeyWindowIsForged() throws {
        // The vector key with a window that ends before the token's iat.
        let jwks = #"{"keys":[{"kid":"ssm-test-1","kty":"EC","crv":"P-256","x":"ZYJOMEZvitmZvnjQC36c9LCX14B5t_ctziRPBMX3uw8","y":"_Gg5ZY2zSuf3fUksxrZkyhzTKeuwoYM96oLEVJRRuYo","nbf":1583107300,"exp":1924905600}]}"#
        let adapter = ShanghaiAdapter(keys: ShanghaiKeyStore(try ShanghaiKeySet(jwks: Array(jwks.utf8))))
        let early = #expect(throws: HealthgateError.self) { try adapter.recognise(try S.token(), now: S.now) }
        #expect(early?.code == .codeForged)
        let retired = #"{"keys":[{"kid":"ssm-test-1","kty":"EC","crv":"P-256","x":"ZYJOMEZvitmZvnjQC36c9LCX14B5t_ctziRPBMX3uw8","y":"_Gg5ZY2zSuf3fUksxrZkyhzTKeuwoYM96oLEVJRRuYo","nbf":1577808000,"exp":1583107199}]}"#
        let adapter2 = ShanghaiAdapter(keys: ShanghaiKeyStore(try ShanghaiKeySet(jwks: Array(retired.utf8))))
        let late = #expect(throws: HealthgateError.self) { try adapter2.recognise(try S.token(), now: S.now) }
        #expect(late?.code == .codeForged)
        // At the edges the key may sign.
        #expect(try adapter2.recognise(try S.token(iat: 1_583_107_199, exp: 1_583_110_799), now: S.now) != nil)
    }

    @Test func anotherKeyUnderTheSameKidIsForged() throws {
        let adapter = try S.adapter()
        let qr = try S.token(key: P256.Signing.PrivateKey())
        let error = #expect(throws: HealthgateError.self) { try adapter.recognise(qr, now: S.now) }
        #expect(error?.code == .codeForged)
    }

    @Test func forgeryIsDecidedBeforeExpiry() throws {
        // An expired token with a bad signature is a forgery: nothing it says, expiry included, can be trusted.
        let adapter = try S.adapter()
        let qr = try S.token(iat: 1_583_000_000, exp: 1_583_003_600, key: P256.Signing.PrivateKey())
        let error = #expect(throws: HealthgateError.self) { try adapter.recognise(qr, now: S.now) }
        #expect(error?.code == .codeForged)
    }

    @Test func unknownKidMarksTheStoreForRefresh() throws {
        let store = ShanghaiKeyStore(try S.keySet())
        let adapter = ShanghaiAdapter(keys: store)
        #expect(!store.needsRefresh(now: S.now))
        let error = #expect(throws: HealthgateError.self) { try adapter.recognise(try S.token(kid: "ssm-2020-02"), now: S.now) }
        #expect(error?.code == .codeForged)
        #expect(store.pendingUnknownKeyID == "ssm-2020-02")
        #expect(store.needsRefresh(now: S.now))
    }

    static let malformed: [(String, String)] = [
        ("two parts", "SSM1.eyJ2IjoxfQ"),
        ("four parts", "SSM1.a.b.c"),
        ("empty claims", "SSM1..AAAA"),
        ("padding in claims", "SSM1.eyJ2IjoxfQ==.AAAA"),
        ("non-alphabet", "SSM1.ey*J.AAAA"),
        ("standard base64 characters", "SSM1.ab+/.AAAA"),
    ]

    @Test(arguments: malformed.map(\.1))
    func malformedShapes(_ qr: String) throws {
        let error = #expect(throws: HealthgateError.self) { try S.adapter().recognise(qr, now: S.now) }
        #expect(error?.code == .codeMalformed)
    }

    static let badClaims: [String] = [
        #"[1,2,3]"#,
        #""just a string""#,
        #"not json"#,
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":0}"#,  // no kid
        #"{"v":1,"iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // no sid
        #"{"v":1,"sid":"A3F9C2E17B4D5086","iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // upper hex
        #"{"v":1,"sid":"a3f9c2e17b4d508","iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // 15 digits
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":3,"kid":"ssm-test-1"}"#,  // st 3
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":"1583107200","exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // string iat
        #"{"v":2,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // version 2
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":0,"kid":""}"#,  // empty kid
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200.5,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,
        #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":-5,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,
        #"{"v":1,"sid":{"x":[[[[1]]]]},"iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,  // nested
    ]

    @Test(arguments: badClaims)
    func claimsThatAreNotTheDocumentsObjectAreMalformed(_ claims: String) throws {
        // Correctly signed, so only the claims' shape can make it fail.
        let qr = try S.token(claimsJSON: claims)
        let error = #expect(throws: HealthgateError.self) { try S.adapter().recognise(qr, now: S.now) }
        #expect(error?.code == .codeMalformed)
    }

    @Test func derSignatureIsMalformed() throws {
        let claims = #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#
        let signed = "SSM1." + Base64URL.encode(Array(claims.utf8))
        let der = try S.signingKey().signature(for: Array(signed.utf8)).derRepresentation
        let qr = signed + "." + Base64URL.encode(Array(der))
        let error = #expect(throws: HealthgateError.self) { try S.adapter().recognise(qr, now: S.now) }
        #expect(error?.code == .codeMalformed)
        // 65 bytes: still not the raw form.
        let long = try S.token(claimsJSON: claims, signature: Array(repeating: 1, count: 65))
        #expect(throws: HealthgateError.self) { try S.adapter().recognise(long, now: S.now) }
    }

    @Test func zeroSignatureIsForgedNotACrash() throws {
        let qr = try S.token(claimsJSON: #"{"v":1,"sid":"a3f9c2e17b4d5086","iat":1583107200,"exp":1583110800,"st":0,"kid":"ssm-test-1"}"#,
                             signature: Array(repeating: 0, count: 64))
        let error = #expect(throws: HealthgateError.self) { try S.adapter().recognise(qr, now: S.now) }
        #expect(error?.code == .codeForged)
    }

    @Test func hostileContentIsATypedError() throws {
        let adapter = try S.adapter()
        let huge = "SSM1." + String(repeating: "A", count: 100_000) + ".AAAA"
        #expect(throws: HealthgateError.self) { try adapter.recognise(huge, now: S.now) }
        let deep = try S.token(claimsJSON: String(repeating: "[", count: 100_000))
        #expect(throws: HealthgateError.self) { try adapter.recognise(deep, now: S.now) }
        // Claims that are not UTF-8 (a truncated multi-byte sequence).
        let signed = "SSM1." + Base64URL.encode([0x7B, 0x22, 0xE5, 0x88] as [UInt8])
        #expect(throws: HealthgateError.self) { try adapter.recognise(signed + ".AAAA", now: S.now) }
    }

    @Test func emptyKeySetForgesEverything() throws {
        let adapter = ShanghaiAdapter(keys: ShanghaiKeyStore())
        let error = #expect(throws: HealthgateError.self) { try adapter.recognise(try S.token(), now: S.now) }
        #expect(error?.code == .codeForged)
    }
}
