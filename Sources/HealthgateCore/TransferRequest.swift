import Foundation
import HealthgateModel

/// A traveller's request to take their status from another city into this gateway's home city (`federation.md`,
/// "Transfers"): the origin city's QR code, the declared ID number and full name, and the caller's request id.
///
/// The ID number and the name travel only to the home city's arrival registration; `description` names neither.
public struct TransferRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The idempotency key: the same id registers the arrival once.
    public var requestID: UUID
    /// The origin city's QR content, as scanned.
    public var qr: String
    /// The ID number the traveller declares; checked against the issuer's digest.
    public var idNumber: ResidentID
    /// The traveller's full name, which the home city's arrival API requires.
    public var name: String

    public init(requestID: UUID, qr: String, idNumber: ResidentID, name: String) {
        self.requestID = requestID
        self.qr = qr
        self.idNumber = idNumber
        self.name = name
    }

    /// Only the request id: never the ID number, the name or the code.
    public var description: String { "TransferRequest(\(requestID.uuidString.lowercased()))" }

    public var debugDescription: String { description }
}
