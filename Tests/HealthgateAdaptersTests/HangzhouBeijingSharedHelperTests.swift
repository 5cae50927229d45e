import Foundation
import HealthgateAdapters
import HealthgateModel
import Testing

/// The shared helpers the Hangzhou and Beijing adapters stand on: constant-time comparison, the body guard, media
/// types and the transfer digest.
@Suite struct HangzhouBeijingSharedHelperTests {
    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.hexDigestsEqual("5C30AB", "5c30ab"))
        #expect(!ConstantTime.hexDigestsEqual("5c30ab", "5c30ac"))
    }

    @Test func transferDigestIsLowerHexSHA256OfIDBarHolderPart() throws {
        let id = try ResidentID(validating: "33010619900101123x")
        let digest = TransferDigest.compute(id: id, holderPart: "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F")
        #expect(digest == "5c30125ea4f5abeb96e8955acd1a0a46e1cfa1be92d9c412f29e73525f8518be")
        #expect(TransferDigest.matches(issuerDigest: digest.uppercased(), computed: digest))
        #expect(!TransferDigest.matches(issuerDigest: String(digest.dropLast()) + "0", computed: digest))
    }

    @Test func jsonDepthCountsOnlyStructureOutsideStrings() {
        #expect(BodyGuard.jsonDepth(Array(#"{"a":[1,{"b":[]}]}"#.utf8)) == 4)
        #expect(BodyGuard.jsonDepth(Array(#"{"a":"[[[[{{{{\"[["}"#.utf8)) == 1)
        #expect(BodyGuard.jsonDepth(Array("1".utf8)) == 0)
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(BodyGuard.jsonDepth(deep, stoppingAfter: 64) == 65)
    }

    @Test func bodyGuardRefusesTooLargeTooDeepAndDoctype() {
        #expect(throws: HealthgateError.self) { try BodyGuard.checkSize([UInt8](repeating: 0, count: 11), limit: 10) }
        #expect(throws: Never.self) { try BodyGuard.checkSize([UInt8](repeating: 0, count: 10), limit: 10) }
        #expect(throws: HealthgateError.self) {
            try BodyGuard.checkJSON(Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8))
        }
        #expect(throws: Never.self) {
            try BodyGuard.checkJSON(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8))
        }
        #expect(BodyGuard.containsDoctype(Array("<x/><!dOcTyPe".utf8)))
        #expect(BodyGuard.containsDoctype(Array("<!ENTITY".utf8)))
        #expect(!BodyGuard.containsDoctype(Array("<!-- DOCTYPE -->".utf8)))
        #expect(!BodyGuard.containsDoctype(Array("<!DOC".utf8)))
        do {
            try BodyGuard.checkXML(Array("<!DOCTYPE x>".utf8), code: .badRequest)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .badRequest)
            #expect(!error.isTransient)
        }
    }

    @Test func mediaTypes() {
        let gb = MediaType("text/xml;charset=GB18030")
        #expect(gb?.type == "text/xml")
        #expect(gb?.charset == "gb18030")
        #expect(gb?.isXML == true)
        let json = MediaType(" Application/JSON ; charset=\"UTF-8\"")
        #expect(json?.type == "application/json")
        #expect(json?.charset == "utf-8")
        #expect(json?.isJSON == true)
        #expect(MediaType("application/problem+json")?.isJSON == true)
        #expect(MediaType("text/html")?.isXML == false)
        #expect(MediaType("text/html")?.isJSON == false)
        #expect(MediaType("garbage") == nil)
        #expect(MediaType("") == nil)
    }
}
