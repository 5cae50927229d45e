import Foundation
import HealthgateModel
import HealthgateStorage
import Logging

extension TransferService {
    /// What `claim` decided.
    enum ClaimDecision: Sendable {
        /// Run the flow here, registering the arrival as of `arrivalTime` (now when `nil`).
        case run(arrivalTime: Date?)
        /// Another replica recorded the transfer meanwhile: repeat its record.
        case replay(StoredTransfer)
        /// Neither by the deadline (or the records cannot be reached): the caller repeats the request id later.
        case fail(HealthgateError)
    }

    /// How often a replica waiting for another's run of the same request id looks for its record.
    static let claimPollInterval: Duration = .milliseconds(25)
    /// How long a claim outlives the request deadline: the run's last step (recording) may finish just after it.
    static let claimMargin: Duration = .seconds(5)

    /// Claims `request`'s id for this replica, or waits until the replica that holds it records its answer (then
    /// that answer is repeated) or lets its lease lapse (then this replica runs it: the home city answers a repeated
    /// registration with its first outcome). Never past `deadline`.
    func claim(_ request: TransferRequest, fingerprint: String, deadline: ContinuousClock.Instant) async -> ClaimDecision {
        let clock = verification.deadlines
        while true {
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                return .fail(.unavailable("another gateway replica is running this transfer; repeat it with the same "
                    + "requestId"))
            }
            do {
                switch try await records.claim(requestID: request.requestID, lease: remaining + Self.claimMargin,
                                               now: self.clock.now()) {
                case .granted(let arrivalTime):
                    // Another replica may have recorded it between our first look and the claim (its record ends
                    // its claim in the same transaction): look once more under the claim.
                    if let stored = try await records.lookup(requestID: request.requestID, now: self.clock.now()) {
                        return .replay(stored)
                    }
                    return .run(arrivalTime: arrivalTime)
                case .heldElsewhere:
                    try? await clock.sleep(until: min(deadline, clock.now + Self.claimPollInterval))
                    if let stored = try await records.lookup(requestID: request.requestID, now: self.clock.now()) {
                        return .replay(stored)
                    }
                }
            } catch {
                logger.error("the transfer records could not be claimed; the transfer is not run",
                             metadata: ["code": "\(Self.storageCode(error))"])
                return .fail(HealthgateError(.internalError, "the transfer records could not be reached", transient: true))
            }
        }
    }
}
