import Foundation
import HealthgateModel
import HealthgateStorage

extension TransferService {
    /// The record of a run that reached the home city: both cities' results, the outcome word, what the traveller was
    /// told (`told`: the explanation's text in the asking request's language, or the error's detail) and the answer
    /// body. `nil` without both results.
    static func stored(_ request: TransferRequest, fingerprint: String, run: TransferRun, body: [UInt8], told: String,
                       now: Date) -> StoredTransfer? {
        guard let origin = run.progress.origin, let home = run.progress.home else { return nil }
        let outcome: String
        switch run.result {
        case .success: outcome = StoredTransfer.done
        case .failure(let error): outcome = error.code.rawValue
        }
        let explanation = told
        return StoredTransfer(
            requestID: request.requestID, created: now, fingerprint: fingerprint, originIssuer: origin.issuer,
            originHolder: origin.holder, originStatus: origin.status, originReasons: origin.reasons,
            originObservationEnds: origin.observationEnds, originAsOf: origin.asOf, homeHolder: home.holder,
            homeStatus: home.status, homeReasons: home.reasons, homeObservationEnds: home.observationEnds,
            outcome: outcome, explanation: explanation, answer: body)
    }

    /// The stable code of a failure of the records, for a log line (never a value of a row).
    static func storageCode(_ error: any Error) -> String {
        (error as? StorageError)?.code.rawValue ?? "\(type(of: error))"
    }

    /// A ledger record that repeats `stored`: its body, or its error (code and detail) for a failure.
    static func record(replaying stored: StoredTransfer) -> TransferLedger.Record {
        var fields = RequestTrace.Fields()
        fields.purpose = VerificationPurpose.transfer.description
        fields.issuer = stored.originIssuer
        fields.holder = stored.originHolder
        fields.status = stored.homeStatus
        if let status = stored.homeStatus {
            fields.freshness = .live
            fields.admits = status.admits && Freshness.live.admitsByDefault
        }
        let result: Result<[UInt8], HealthgateError>
        if stored.outcome == StoredTransfer.done {
            result = .success(stored.answer)
        } else {
            let code = HealthgateError.Code(rawValue: stored.outcome) ?? .internalError
            result = .failure(HealthgateError(code, stored.explanation))
        }
        return TransferLedger.Record(result: result, fields: fields, reachedDestination: true,
                                     fingerprint: stored.fingerprint, fromStore: true)
    }
}
