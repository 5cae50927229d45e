import Foundation
import HealthgateModel
import HealthgateStorage

/// Where the transfer flow records the transfers that reached the home city (the SQLite `TransferStore`, or a stand-in
/// in tests): saved before the answer leaves, looked up by request id for repeats and for `GET /v1/transfers/{id}`.
public protocol TransferRecording: Sendable {
    /// Stores `transfer` unless its request id is already stored; returns the row held for that id afterwards.
    @discardableResult
    func save(_ transfer: StoredTransfer) async throws -> StoredTransfer
    /// The transfer stored under `requestID`, if it is still kept at `now`.
    func lookup(requestID: UUID, now: Date) async throws -> StoredTransfer?
}

extension TransferStore: TransferRecording {}

/// No transfer records: repeats are recognised only in memory, while the process lives.
public struct NoTransferRecords: TransferRecording {
    public init() {}
    public func save(_ transfer: StoredTransfer) async throws -> StoredTransfer { transfer }
    public func lookup(requestID: UUID, now: Date) async throws -> StoredTransfer? { nil }
}
