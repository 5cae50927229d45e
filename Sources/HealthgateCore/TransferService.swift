import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import HealthgateStorage
import Logging

/// The transfer flow of `federation.md`, run by the destination's gateway (the home city): recognise the origin
/// code (another configured city, natively or through its gateway), verify it live with purpose `transfer`, check the
/// declared ID number against the issuer's digest in constant time, refuse `pending` and `unknown`, register the
/// arrival with the home city's native API (idempotent on the request id), and refuse to call it done when the home
/// city gave a less severe colour than the origin's (`policy-conflict`).
///
/// Every transfer that reached the home city is recorded (`TransferRecording`: the origin's and the home city's
/// statuses, reasons and observation ends, the outcome, the explanation and the answer body) before the answer
/// leaves; a repeat of its request id with the same content is answered from that record, even after a restart.
///
/// Auditing is the caller's (the server's) last step: the flow fills the request's trace (purpose `transfer`, the
/// origin issuer, the holder's pseudonym, the registered status). The ID number and the name reach only the home
/// city's arrival request; no log line, error detail, metric or stored row names them.
public final class TransferService: Sendable {
    /// The shortest wait before retrying a transient failure of the arrival registration.
    public static let minimumRetryDelay: Duration = IssuerRetry.minimumDelay

    let configuration: ConfigStore
    let adapters: AdapterRegistry
    let verification: VerificationService
    let transport: any CityTransport
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger
    let ledger: TransferLedger
    let records: any TransferRecording

    public init(configuration: ConfigStore, adapters: AdapterRegistry, verification: VerificationService,
                transport: any CityTransport, records: any TransferRecording = NoTransferRecords(),
                clock: any WallClock = SystemWallClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "healthgate.transfer")) {
        self.configuration = configuration
        self.adapters = adapters
        self.verification = verification
        self.transport = transport
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.ledger = TransferLedger()
        self.records = records
    }

    /// Runs the transfer (or repeats the answer of an earlier one with the same request id and content, from memory or
    /// from the record). The answer's explanation is in `language`. `deadline` bounds the whole flow, retries
    /// included; `trace` receives what the audit record needs. The same request id with other content is
    /// `bad-request`.
    public func transfer(_ request: TransferRequest, language: ExplanationLanguage = .fallback, trace: RequestTrace,
                         deadline: ContinuousClock.Instant) async throws(HealthgateError) -> TransferReply {
        trace.update { $0.purpose = VerificationPurpose.transfer.description }
        let fingerprint = TransferFingerprint(key: configuration.current.pseudonymKey)(request)
        let (task, joined) = await ledger.begin(request.requestID, now: clock.now()) { [self] in
            await resolve(request, fingerprint: fingerprint, language: language, deadline: deadline)
        }
        let record: TransferLedger.Record
        do throws(HealthgateError) {
            // The flow is never cancelled at the deadline: a transfer that reached the home city is still recorded,
            // and a repeat of its request id reads the outcome.
            record = try await DeadlineRace.run(
                until: deadline, clock: verification.deadlines, late: .unavailable(
                    "the transfer did not finish by the request deadline; repeat it with the same requestId"),
                cancelsLate: false) { await task.value }
        } catch {
            if !joined {
                Task { [ledger] in
                    if !(await task.value).reachedDestination { await ledger.forget(request.requestID, task: task) }
                }
            }
            throw error
        }
        if !joined, !record.reachedDestination { await ledger.forget(request.requestID, task: task) }
        guard ConstantTime.hexDigestsEqual(record.fingerprint, fingerprint) else {
            throw .badRequest("this requestId was already used for a different transfer")
        }
        let replayed = joined || record.fromStore
        trace.update { fields in
            fields.purpose = record.fields.purpose ?? fields.purpose
            fields.issuer = record.fields.issuer
            fields.holder = record.fields.holder
            fields.status = record.fields.status
            fields.freshness = record.fields.freshness
            fields.admits = record.fields.admits
            if !replayed { fields.upstreamAttempts = record.fields.upstreamAttempts }
        }
        let config = configuration.current
        let body = TransferAnswer.explained(try record.result.get(), in: language) { [clock] result in
            Explanation(result, issuer: config.issuingCity(result.issuer), language: language, now: clock.now())
        }
        return TransferReply(requestID: request.requestID, replayed: replayed,
                             body: replayed ? TransferAnswer.markingReplayed(body) : body)
    }

    /// The transfer recorded under `requestID`, if it is still kept (`GET /v1/transfers/{id}`).
    public func recorded(_ requestID: UUID) async throws(HealthgateError) -> StoredTransfer? {
        do { return try await records.lookup(requestID: requestID, now: clock.now()) } catch {
            throw HealthgateError(.internalError, "the transfer record could not be read", transient: true)
        }
    }

    /// The record of `request`'s id when one is stored, else one run of the flow, recorded when it reached the home
    /// city. Never throws (the error is part of the record).
    func resolve(_ request: TransferRequest, fingerprint: String, language: ExplanationLanguage,
                 deadline: ContinuousClock.Instant) async -> TransferLedger.Record {
        let stored: StoredTransfer?
        do {
            stored = try await records.lookup(requestID: request.requestID, now: clock.now())
        } catch {
            logger.error("the transfer record could not be read; the transfer is not run",
                         metadata: ["code": "\(Self.storageCode(error))"])
            let failure = HealthgateError(.internalError, "the transfer record could not be read", transient: true)
            return TransferLedger.Record(result: .failure(failure), fields: RequestTrace.Fields(),
                                         reachedDestination: false, fingerprint: fingerprint)
        }
        if let stored { return Self.record(replaying: stored) }
        let arrivalTime: Date?
        switch await claim(request, fingerprint: fingerprint, deadline: deadline) {
        case .run(let claimed): arrivalTime = claimed
        case .replay(let stored): return Self.record(replaying: stored)
        case .fail(let failure):
            return TransferLedger.Record(result: .failure(failure), fields: RequestTrace.Fields(), reachedDestination: false,
                                         fingerprint: fingerprint)
        }
        let run = await run(request, arrivalTime: arrivalTime, deadline: deadline)
        if !run.progress.reachedDestination {
            // Nothing registered: another replica may run this request id at once.
            try? await records.release(requestID: request.requestID)
        }
        var record = TransferLedger.Record(result: .failure(HealthgateError(.internalError, "no answer")),
                                           fields: run.fields, reachedDestination: run.progress.reachedDestination,
                                           fingerprint: fingerprint)
        let body: [UInt8]
        let told: String
        switch run.result {
        case .success(let outcome):
            let explanation = Explanation(outcome.result, issuer: configuration.current.issuingCity(outcome.result.issuer),
                                          language: language, now: clock.now())
            told = explanation.text
            do throws(HealthgateError) { body = try TransferAnswer(outcome, explanation: explanation).body } catch {
                record.result = .failure(error)
                return record
            }
            record.result = .success(body)
        case .failure(let error):
            record.result = .failure(error)
            body = TransferAnswer.problemBody(error)
            told = error.detail
        }
        guard run.progress.reachedDestination, let stored = Self.stored(request, fingerprint: fingerprint, run: run,
                                                                       body: body, told: told, now: clock.now())
        else { return record }
        do {
            let kept = try await records.save(stored)
            // Another gateway process on the same database recorded this request id first: its answer stands.
            if kept.answer != stored.answer || kept.fingerprint != stored.fingerprint {
                return Self.record(replaying: kept)
            }
        } catch {
            // The arrival is registered: the answer still leaves, and this process remembers it for repeats.
            logger.error("the transfer could not be recorded", metadata: ["code": "\(Self.storageCode(error))"])
        }
        return record
    }

    /// One run of the flow, with its own trace; never throws (the error is part of the result).
    func run(_ request: TransferRequest, arrivalTime: Date? = nil, deadline: ContinuousClock.Instant) async -> TransferRun {
        let trace = RequestTrace()
        trace.update { $0.purpose = VerificationPurpose.transfer.description }
        var progress = TransferRun.Progress()
        let result: Result<TransferOutcome, HealthgateError>
        do throws(HealthgateError) {
            result = .success(try await perform(request, arrivalTime: arrivalTime, trace: trace, deadline: deadline,
                                                progress: &progress))
        } catch {
            result = .failure(error)
        }
        return TransferRun(result: result, fields: trace.snapshot, progress: progress)
    }

    /// The steps of `federation.md`, in order.
    func perform(_ request: TransferRequest, arrivalTime: Date? = nil, trace: RequestTrace, deadline: ContinuousClock.Instant,
                 progress: inout TransferRun.Progress) async throws(HealthgateError) -> TransferOutcome {
        let config = configuration.current
        let home = config.home

        // 1. Which city issued the code: another one, reachable natively or through its gateway.
        let (code, originAdapter) = try await verification.recognise(request.qr, deadline: deadline)
        trace.update { $0.issuer = code.issuer }
        guard code.issuer != home else {
            throw HealthgateError(.sameCityTransfer, "the code was issued by this gateway's home city (\(home)): "
                + "there is nothing to transfer")
        }
        guard let homeCity = config.city(region: home), homeCity.kind != .federation,
              let destination = adapters.adapter(for: home)
        else {
            throw HealthgateError(.internalError, "the home city is not configured with its native API, so arrivals "
                + "cannot be registered")
        }
        let originName = config.city(region: code.issuer)?.name ?? code.issuer.rawValue

        // 2. The origin's live answer, with its digest of the holder's ID number.
        let native = try await verification.verifyLive(code: code, adapter: originAdapter, purpose: .transfer,
                                                       trace: trace, deadline: deadline)
        let origin = native.result
        trace.update { $0.holder = origin.holder }
        progress.origin = origin

        // 3. The declared ID number belongs to the code's holder (constant-time comparison).
        guard let issuerDigest = native.idDigest else {
            throw .issuerError("\(originName) sent no ID digest for the transfer, so the identity cannot be checked")
        }
        let computed = originAdapter.idDigest(of: request.idNumber, code: code, holderRef: native.holderRef)
        guard TransferDigest.matches(issuerDigest: issuerDigest, computed: computed) else {
            throw HealthgateError(.identityMismatch, "the declared ID number does not belong to the code's holder")
        }

        // 4. Only a colour can be transferred.
        guard origin.status.isColour else {
            throw HealthgateError(.transferRefused, "a transfer starts only from green, yellow or red; "
                + "\(originName) gives this code \(origin.status.rawValue) (\(Self.noDecisionPhrase(origin.status)))")
        }

        // 5. Register the arrival with the home city's native API.
        let registration = ArrivalRegistration(
            requestID: request.requestID, idNumber: request.idNumber, name: request.name, fromRegion: origin.issuer,
            fromStatus: origin.status, fromReasons: origin.reasons, fromObservationEnds: origin.observationEnds,
            arrivalTime: arrivalTime ?? clock.now())
        let (arrival, receivedAt) = try await register(registration, adapter: destination, city: homeCity,
                                                       config: config, trace: trace, deadline: deadline)
        progress.reachedDestination = true

        // 6. The home city's decision, in canonical terms and its own words; never less severe than the origin's.
        let translations = destination.translate(origin.reasons)
        let result = VerificationResult(
            issuer: home, holder: config.pseudonymKey.pseudonym(issuer: home, holderRef: arrival.holderRef),
            status: arrival.status,
            reasons: Self.reasons(origin: origin, decided: arrival.status, translations: translations,
                                  destination: destination),
            statusSince: receivedAt, observationEnds: arrival.observationEnds, maskedName: origin.maskedName,
            asOf: receivedAt, freshness: .live)
        progress.home = result
        trace.update {
            $0.status = result.status
            $0.freshness = result.freshness
            $0.admits = result.admits
        }
        guard arrival.status.isColour, !arrival.status.isLessSevere(than: origin.status) else {
            logger.warning("transfer policy conflict: the home city gave a less severe status than the origin's", metadata: [
                "origin": "\(originName)", "originStatus": "\(origin.status.rawValue)",
                "home": "\(homeCity.name)", "homeStatus": "\(arrival.status.rawValue)",
            ])
            throw HealthgateError(.policyConflict, "\(homeCity.name) registered the arrival as \(arrival.status.rawValue), "
                + "less severe than \(originName)'s \(origin.status.rawValue); the transfer is not done")
        }
        return TransferOutcome(requestID: request.requestID, origin: origin, result: result, translations: translations,
                               local: destination.render(result))
    }

    /// Sends the arrival registration through `CityCalls` (breaker, bulkhead, one retry of a transient failure within
    /// the retry budget, never past `deadline`); the home city's idempotency on the request id makes the retry safe.
    func register(_ registration: ArrivalRegistration, adapter: any CityAdapter, city: CityConfiguration,
                  config: GatewayConfiguration, trace: RequestTrace, deadline: ContinuousClock.Instant)
        async throws(HealthgateError) -> (ArrivalOutcome, Date) {
        let request = adapter.arrivalRequest(registration, caller: config.home)
        return try await verification.calls.call(city, config: config, deadline: deadline, trace: trace) {
            request
        } parse: { [clock] (response) throws(HealthgateError) -> (ArrivalOutcome, Date) in
            let receivedAt = clock.now()
            return (try adapter.parseArrivalResponse(response), receivedAt)
        }
    }

    /// The reasons of the home city's result: the origin's, each with the home city's word, when the home city kept
    /// the origin's colour or raised it; `none` when it gave green.
    static func reasons(origin: VerificationResult, decided: HealthStatus, translations: [TranslatedReason],
                        destination: any CityAdapter) -> [Reason] {
        if decided == .green {
            let none = destination.translate([Reason(code: .none, native: nil)]).first
            return [Reason(code: .none, native: none?.native)]
        }
        return translations.filter { $0.canonical != .none }.map { Reason(code: $0.canonical, native: $0.native) }
    }

    /// Why a status without a colour cannot be transferred, in words.
    static func noDecisionPhrase(_ status: HealthStatus) -> String {
        switch status {
        case .pending: "the application is still under review"
        case .unknown: "the issuer has no record for this holder"
        case .green, .yellow, .red: "a colour"
        }
    }
}
