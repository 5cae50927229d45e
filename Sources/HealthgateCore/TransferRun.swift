import HealthgateModel

/// What one run of the transfer flow produced: the outcome or the error, the trace's fields, and how far it got
/// (the origin's and the home city's results, whether the home city answered), for the transfer's record.
struct TransferRun: Sendable {
    /// How far a run got.
    struct Progress: Sendable {
        /// The origin city's live result, once it answered.
        var origin: VerificationResult?
        /// The home city's decision, once it registered the arrival.
        var home: VerificationResult?
        /// Whether the home city answered the arrival registration.
        var reachedDestination = false
    }

    var result: Result<TransferOutcome, HealthgateError>
    var fields: RequestTrace.Fields
    var progress: Progress
}
