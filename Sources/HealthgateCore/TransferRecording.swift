import Foundation
import HealthgateModel
import HealthgatePostgres
import HealthgateStorage

/// Where the transfer flow records the transfers that reached the home city (the SQLite `TransferStore`, the shared
/// `PostgresTransferStore` of replicas, or a stand-in in tests): saved before the answer leaves, looked up by request
/// id for repeats and for `GET /v1/transfers/{id}`, and claimed before a run where replicas share the records.
public protocol TransferRecording: Sendable {
    /// Stores `transfer` unless its request id is already stored; returns the row held for that id afterwards.
    @discardableResult
    func save(_ transfer: StoredTransfer) async throws -> StoredTransfer
    /// The transfer stored under `requestID`, if it is still kept at `now`.
    func lookup(requestID: UUID, now: Date) async throws -> StoredTransfer?
    /// Whether this process may run `requestID` now, for `lease` at most, and as of which arrival time: records of one
    /// process grant every claim (its ledger already runs each request id once); shared records grant it to one replica
    /// at a time. `now` is the gateway's clock (the shared records use the database's, so that replicas agree).
    func claim(requestID: UUID, lease: Duration, now: Date) async throws -> TransferClaim
    /// Ends this process's claim on `requestID` (the run did not reach the home city).
    func release(requestID: UUID) async throws
}

extension TransferRecording {
    public func claim(requestID: UUID, lease: Duration, now: Date) async throws -> TransferClaim {
        .granted(arrivalTime: nil)
    }
    public func release(requestID: UUID) async throws {}
}

extension TransferStore: TransferRecording {}

extension PostgresTransferStore: TransferRecording {
    public func claim(requestID: UUID, lease: Duration, now: Date) async throws -> TransferClaim {
        try await claim(requestID: requestID, lease: lease)
    }
}

/// No transfer records: repeats are recognised only in memory, while the process lives.
public struct NoTransferRecords: TransferRecording {
    public init() {}
    public func save(_ transfer: StoredTransfer) async throws -> StoredTransfer { transfer }
    public func lookup(requestID: UUID, now: Date) async throws -> StoredTransfer? { nil }
}
