import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import Logging

/// The transfer flow of `federation.md`, run by the destination's gateway (the home city): recognise the origin
/// code (another configured city, natively or through its gateway), verify it live with purpose `transfer`, check the
/// declared ID number against the issuer's digest in constant time, refuse `pending` and `unknown`, register the
/// arrival with the home city's native API (idempotent on the request id), and refuse to call it done when the home
/// city gave a less severe colour than the origin's (`policy-conflict`).
///
/// Auditing is the caller's (the server's) last step: the flow fills the request's trace (purpose `transfer`, the
/// origin issuer, the holder's pseudonym, the registered status). The ID number and the name reach only the home
/// city's arrival request; no log line, error detail or metric names them.
public final class TransferService: Sendable {
    /// The shortest wait before retrying a transient failure of the arrival registration.
    public static let minimumRetryDelay: Duration = .milliseconds(200)

    let configuration: ConfigStore
    let adapters: AdapterRegistry
    let verification: VerificationService
    let transport: any CityTransport
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger
    let ledger: TransferLedger

    public init(configuration: ConfigStore, adapters: AdapterRegistry, verification: VerificationService,
                transport: any CityTransport, clock: any WallClock = SystemWallClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "healthgate.transfer")) {
        self.configuration = configuration
        self.adapters = adapters
        self.verification = verification
        self.transport = transport
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.ledger = TransferLedger()
    }

    /// Runs the transfer (or repeats the answer of an earlier one with the same request id and content). `deadline`
    /// bounds the whole flow, retries included; `trace` receives what the audit record needs.
    public func transfer(_ request: TransferRequest, trace: RequestTrace, deadline: ContinuousClock.Instant)
        async throws(HealthgateError) -> TransferOutcome {
        trace.update { $0.purpose = VerificationPurpose.transfer.description }
        let (task, replayed) = try await ledger.begin(request, now: clock.now()) { [self] in
            await run(request, deadline: deadline)
        }
        let record = await task.value
        if !replayed, !record.reachedDestination { await ledger.forget(request.requestID, task: task) }
        trace.update { fields in
            fields.purpose = record.fields.purpose ?? fields.purpose
            fields.issuer = record.fields.issuer
            fields.holder = record.fields.holder
            fields.status = record.fields.status
            fields.freshness = record.fields.freshness
            fields.admits = record.fields.admits
            if !replayed { fields.upstreamAttempts = record.fields.upstreamAttempts }
        }
        var outcome = try record.result.get()
        outcome.replayed = replayed
        return outcome
    }

    /// One run of the flow, with its own trace; never throws (the error is part of the record).
    func run(_ request: TransferRequest, deadline: ContinuousClock.Instant) async -> TransferLedger.Record {
        let trace = RequestTrace()
        trace.update { $0.purpose = VerificationPurpose.transfer.description }
        var reached = false
        let result: Result<TransferOutcome, HealthgateError>
        do throws(HealthgateError) {
            result = .success(try await perform(request, trace: trace, deadline: deadline, reachedDestination: &reached))
        } catch {
            result = .failure(error)
        }
        return TransferLedger.Record(result: result, fields: trace.snapshot, reachedDestination: reached)
    }

    /// The steps of `federation.md`, in order.
    func perform(_ request: TransferRequest, trace: RequestTrace, deadline: ContinuousClock.Instant,
                 reachedDestination: inout Bool) async throws(HealthgateError) -> TransferOutcome {
        let config = configuration.current
        let home = config.home

        // 1. Which city issued the code: another one, reachable natively or through its gateway.
        let (code, originAdapter) = try await verification.recognise(request.qr)
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
            arrivalTime: clock.now())
        let (arrival, receivedAt) = try await register(registration, adapter: destination, city: homeCity,
                                                       config: config, trace: trace, deadline: deadline)
        reachedDestination = true

        // 6. The home city's decision, in canonical terms and its own words; never less severe than the origin's.
        let translations = destination.translate(origin.reasons)
        let result = VerificationResult(
            issuer: home, holder: config.pseudonymKey.pseudonym(issuer: home, holderRef: arrival.holderRef),
            status: arrival.status,
            reasons: Self.reasons(origin: origin, decided: arrival.status, translations: translations,
                                  destination: destination),
            statusSince: receivedAt, observationEnds: arrival.observationEnds, maskedName: origin.maskedName,
            asOf: receivedAt, freshness: .live)
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

    /// Sends the arrival registration, retrying one transient failure (the home city's idempotency on the request id
    /// makes the retry safe): no sooner than 200 ms, after the city's wait hint, and never past `deadline`.
    func register(_ registration: ArrivalRegistration, adapter: any CityAdapter, city: CityConfiguration,
                  config: GatewayConfiguration, trace: RequestTrace, deadline: ContinuousClock.Instant)
        async throws(HealthgateError) -> (ArrivalOutcome, Date) {
        let request = adapter.arrivalRequest(registration, caller: config.home)
        var attempt = 0
        while true {
            attempt += 1
            trace.update { $0.upstreamAttempts += 1 }
            let remaining = deadline - .now
            guard remaining > .zero else {
                throw .unavailable("the request deadline passed before \(city.name) registered the arrival")
            }
            let started = ContinuousClock.now
            do throws(HealthgateError) {
                let response = try await transport.send(request, to: city, timeout: min(city.deadline, remaining))
                let receivedAt = clock.now()
                let outcome = try adapter.parseArrivalResponse(response)
                metrics.upstream(city: city.name, duration: .now - started, outcome: "ok")
                return (outcome, receivedAt)
            } catch {
                metrics.upstream(city: city.name, duration: .now - started, outcome: error.code.rawValue)
                guard error.isTransient, attempt == 1 else { throw error }
                var wait = Self.minimumRetryDelay
                if let seconds = error.retryAfterSeconds { wait = max(wait, .seconds(seconds)) }
                if let millis = error.retryAfterMilliseconds { wait = max(wait, .milliseconds(millis)) }
                guard ContinuousClock.now + wait < deadline else { throw error }
                do { try await Task.sleep(for: wait) } catch { throw .unavailable("the request was cancelled") }
            }
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
