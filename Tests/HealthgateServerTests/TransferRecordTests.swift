import Foundation
import HealthgateCore
import HealthgateModel
@testable import HealthgateServer
import Testing

/// The pieces of the transfer record that need no federation: the content fingerprint, the replayed body, the problem
/// body of a recorded failure.
@Suite("transfer record")
struct TransferRecordTests {
    static let key = PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))!

    func request(name: String = "刘明", qr: String = "HZHC2:ABC") throws -> TransferRequest {
        TransferRequest(requestID: UUID(), qr: qr, idNumber: try ResidentID(validating: TestResidentID.make()), name: name)
    }

    @Test("the fingerprint is stable for one key (a restart), differs under another key and for other content")
    func fingerprint() throws {
        let first = try request()
        let fingerprint = TransferFingerprint(key: Self.key)(first)
        #expect(fingerprint.count == 64)
        #expect(TransferFingerprint(key: PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))!)(first) == fingerprint)
        #expect(TransferFingerprint(key: PseudonymKey(bytes: [UInt8](repeating: 8, count: 32))!)(first) != fingerprint)
        var other = first
        other.name = "刘强"
        #expect(TransferFingerprint(key: Self.key)(other) != fingerprint)
        // The name is length-prefixed: moving a "|" between the name and the code changes the digest.
        let a = TransferRequest(requestID: first.requestID, qr: "b|c", idNumber: first.idNumber, name: "a")
        let b = TransferRequest(requestID: first.requestID, qr: "c", idNumber: first.idNumber, name: "a|b")
        #expect(TransferFingerprint(key: Self.key)(a) != TransferFingerprint(key: Self.key)(b))
        #expect(!fingerprint.contains(first.idNumber.value))
    }

    @Test("a repeat's body is the first body with the top-level replayed turned true, nothing else")
    func markingReplayed() {
        let body = #"{"explanation":"said \"replayed\":false here","replayed":false,"status":"yellow"}"#
        let marked = String(decoding: TransferAnswer.markingReplayed(Array(body.utf8)), as: UTF8.self)
        #expect(marked == #"{"explanation":"said \"replayed\":false here","replayed":true,"status":"yellow"}"#)
    }

    @Test("a recorded failure's body is the problem the server renders for the same error")
    func problemBody() throws {
        let error = HealthgateError(.policyConflict, "Shanghai registered the arrival as green, less severe than Hangzhou's red")
        let rendered = try JSONEncoder.sorted.encode(Problem(error))
        #expect(TransferAnswer.problemBody(error) == Array(rendered))
    }
}
