import Foundation
import HealthgateModel

/// What `TransferService.transfer` answers: the JSON body of a completed transfer, either the one this request
/// produced or, for a repeat of an earlier request id, that request's body with `replayed: true`.
public struct TransferReply: Sendable {
    /// The request id.
    public var requestID: UUID
    /// Whether the body repeats an earlier answer (nothing was registered again).
    public var replayed: Bool
    /// The JSON body (`TransferAnswer`).
    public var body: [UInt8]

    public init(requestID: UUID, replayed: Bool, body: [UInt8]) {
        self.requestID = requestID
        self.replayed = replayed
        self.body = body
    }
}
