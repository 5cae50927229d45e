import Crypto
import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

@Suite struct ShanghaiKeyTests {
    typealias S = ShanghaiTestSupport

    static let x = "ZYJOMEZvitmZvnjQC36c9LCX14B5t_ctziRPBMX3uw8"
    static let y = "_Gg5ZY2zSuf3fUksxrZkyhzTKeuwoYM96oLEVJRRuYo"

    func parse(_ json: String) throws(HealthgateError) -> ShanghaiKeySet {
        try ShanghaiKeySet(jwks: Array(json.utf8))
    }

    @Test func vectorSet() throws {
        let set = try S.keySet()
        let key = try #require(set.key(id: "ssm-test-1"))
        #expect(key.notBefore == Date(timeIntervalSince1970: 1_577_808_000))
        #expect(key.expires == Date(timeIntervalSince1970: 1_924_905_600))
        #expect(try S.signingKey().publicKey.rawRepresentation == key.publicKey.rawRepresentation)
    }

    @Test func otherKeyTypesAreSkipped() throws {
        let set = try parse(#"{"keys":[{"kid":"rsa-1","kty":"RSA","n":"AQAB","e":"AQAB"},{"kid":"ssm-test-1","kty":"EC","crv":"P-256","x":"\#(Self.x)","y":"\#(Self.y)"}]}"#)
        #expect(set.keyIDs == ["ssm-test-1"])
        // Without nbf/exp a key bounds nothing.
        #expect(set.key(id: "ssm-test-1")?.mayHaveSigned(issuedAt: Date(timeIntervalSince1970: 0)) == true)
    }

    static let broken: [String] = [
        "",
        "[]",
        #"{"keys":{}}"#,
        #"{"keys":[]}"#,
        #"{"keys":[{"kid":"rsa-1","kty":"RSA","n":"AQAB","e":"AQAB"}]}"#,  // nothing usable
        #"{"keys":[{"kid":"ed-1","kty":"OKP","crv":"Ed25519","x":"\#(x)"}]}"#,
        #"{"nokeys":[]}"#,
        #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)"}]}"#,  // no kid
        #"{"keys":[{"kid":"a","kty":"EC","crv":"P-256","x":"\#(x)"}]}"#,  // no y
        #"{"keys":[{"kid":"a","kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(x)"}]}"#,  // not on the curve
        #"{"keys":[{"kid":"a","kty":"EC","crv":"P-256","x":"\#(x)=","y":"\#(y)"}]}"#,  // padded
        #"{"keys":[{"kid":"a","kty":"EC","crv":"P-256","x":"AAAA","y":"\#(y)"}]}"#,  // short
        #"{"keys":[{"kid":"a","kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)"},{"kid":"a","kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)"}]}"#,
    ]

    @Test(arguments: broken)
    func brokenSetsAreRefused(_ json: String) {
        let error = #expect(throws: HealthgateError.self) { try parse(json) }
        #expect(error?.code == .issuerError)
    }

    @Test func hostileSets() {
        #expect(throws: HealthgateError.self) { try parse(String(repeating: "{\"keys\":[", count: 100_000)) }
        #expect(throws: HealthgateError.self) {
            try ShanghaiKeySet(jwks: Array(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024))
        }
        #expect(throws: HealthgateError.self) { try ShanghaiKeySet(jwks: [0x7B, 0x22, 0xE5]) }
    }

    @Test func storeRefreshesAtMostOnceAMinuteAfterAnUnknownKid() throws {
        let store = ShanghaiKeyStore(try S.keySet())
        let t0 = S.now
        #expect(!store.needsRefresh(now: t0))
        #expect(!store.claimRefresh(now: t0))
        #expect(store.key(id: "ssm-test-1", now: t0) != nil)
        #expect(!store.needsRefresh(now: t0))

        #expect(store.key(id: "ssm-next", now: t0) == nil)
        #expect(store.unknownKeyMetAt == t0)
        #expect(store.needsRefresh(now: t0))
        #expect(store.claimRefresh(now: t0))
        // The fetch failed (no replace): another unknown kid within the minute does not trigger a second fetch.
        #expect(store.key(id: "ssm-next", now: t0.addingTimeInterval(30)) == nil)
        #expect(!store.needsRefresh(now: t0.addingTimeInterval(59)))
        #expect(!store.claimRefresh(now: t0.addingTimeInterval(59)))
        #expect(store.claimRefresh(now: t0.addingTimeInterval(60)))

        // A new set clears the mark.
        store.replace(with: .empty, at: t0.addingTimeInterval(61))
        #expect(store.replacedAt == t0.addingTimeInterval(61))
        #expect(store.pendingUnknownKeyID == nil)
        #expect(store.unknownKeyMetAt == nil)
        #expect(!store.needsRefresh(now: t0.addingTimeInterval(200)))
        #expect(store.current.keyIDs.isEmpty)
    }

    @Test func onlyOneConcurrentCallerClaimsTheRefresh() async throws {
        let store = ShanghaiKeyStore()
        _ = store.key(id: "ssm-next", now: S.now)
        let claims = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { store.claimRefresh(now: S.now) } }
            var count = 0
            for await claimed in group where claimed { count += 1 }
            return count
        }
        #expect(claims == 1)
    }

    @Test func replacingTheSetChangesWhatVerifies() throws {
        let store = ShanghaiKeyStore()
        let adapter = ShanghaiAdapter(keys: store)
        let qr = try S.token()
        #expect(throws: HealthgateError.self) { try adapter.recognise(qr, now: S.now) }
        store.replace(with: try S.keySet(), at: S.now)
        #expect(try adapter.recognise(qr, now: S.now)?.holderKey == S.sid)
    }
}
