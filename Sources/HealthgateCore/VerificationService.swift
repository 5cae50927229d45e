import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel
import HealthgateStorage
import Logging
import Synchronization

/// The verify flow: recognise → local checks → cache → the issuer's adapter → transport (one retry of a transient
/// failure) → canonical → cache store; with a per-city circuit breaker and, when the issuer is unavailable, bounded
/// stale answers or what the code itself says (Shanghai's signature-only result), never less severe than the holder's
/// newest notice. Auditing is the caller's (the server's) last step.
public final class VerificationService: Sendable {
    /// The shortest wait before retrying a transient failure (Hangzhou `SYSTEM_BUSY`, Beijing 2001).
    public static let minimumRetryDelay: Duration = IssuerRetry.minimumDelay

    let configuration: ConfigStore
    let adapters: AdapterRegistry
    let transport: any CityTransport
    let cache: any VerificationCaching
    let clock: any WallClock
    let metrics: GatewayMetrics
    let logger: Logger
    /// Every call to a city (breaker, bulkhead, retry budget), shared with the transfer flow.
    public let calls: CityCalls
    /// The time deadlines are measured on.
    let deadlines: any DeadlineClock

    /// Time kept back from a city call for the degraded answer (a stale entry, the code's own status) and the audit.
    static let answerReserve: Duration = .milliseconds(50)

    public init(configuration: ConfigStore, adapters: AdapterRegistry, transport: any CityTransport,
                cache: any VerificationCaching, clock: any WallClock = SystemWallClock(),
                deadlineClock: any DeadlineClock = SystemDeadlineClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "healthgate.verify")) {
        self.configuration = configuration
        self.adapters = adapters
        self.transport = transport
        self.cache = cache
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.deadlines = deadlineClock
        self.calls = CityCalls(transport: transport, clock: deadlineClock, metrics: metrics, logger: logger)
    }

    /// The circuit breaker of the configured city named `name`.
    public func breaker(forCity name: String) -> CircuitBreaker { calls.cityGuard(name).breaker }

    /// Which configured city issued `qr`, after every local check; refreshes Shanghai's key set once (at most once a
    /// minute) when a token names an unknown `kid`.
    public func recognise(_ qr: String, deadline: ContinuousClock.Instant? = nil) async throws(HealthgateError)
        -> (RecognisedCode, any CityAdapter) {
        do {
            return try recogniseOnce(qr)
        } catch let error where error.code == .codeForged {
            guard await refreshKeysAfterUnknownKID(deadline: deadline) else { throw error }
            return try recogniseOnce(qr)
        }
    }

    private func recogniseOnce(_ qr: String) throws(HealthgateError) -> (RecognisedCode, any CityAdapter) {
        let recogniser = QRRecogniser(adapters: adapters.all)
        let code = try recogniser.recognise(qr, now: clock.now())
        guard let adapter = recogniser.adapter(for: code.issuer) else {
            throw HealthgateError(.unknownIssuer, "the issuer is not configured")
        }
        return (code, adapter)
    }

    /// Fetches the key set of every Shanghai city whose store met an unknown `kid` and may refresh now; `true` when a
    /// set was replaced.
    func refreshKeysAfterUnknownKID(deadline: ContinuousClock.Instant?) async -> Bool {
        let config = configuration.current
        var replaced = false
        for city in config.cities {
            guard let keys = adapters.adapter(for: city.region)?.keySetRefresh else { continue }
            let timeout = deadline.map { min(city.deadline, $0 - deadlines.now - Self.answerReserve) } ?? city.deadline
            guard timeout > .zero else { break }
            guard keys.claimRefresh(now: clock.now()) else { continue }
            if (try? await KeySetRefresher.refresh(city: city, keys: keys, configuration: config,
                                                   transport: transport, clock: clock, timeout: timeout)) != nil {
                replaced = true
            }
        }
        return replaced
    }

    /// Verifies a code for a checkpoint (or a peer): a canonical result, possibly `cached`, `stale` or
    /// `signature-only`. `deadline` bounds the whole flow, retries included.
    public func verify(_ qr: String, purpose: VerificationPurpose, trace: RequestTrace,
                       deadline: ContinuousClock.Instant) async throws(HealthgateError) -> VerificationResult {
        // A code recognised without any call whose cache entry is fresh needs nothing that could outlast the
        // deadline: answered without the race's two tasks. Otherwise the lookup is handed on, not repeated.
        let prefetched = await prefetch(qr, purpose: purpose)
        if let prefetched, case .fresh(let cached) = prefetched.lookup {
            metrics.cache(city: prefetched.city, result: "hit")
            trace.update {
                $0.purpose = purpose.description
                $0.issuer = prefetched.code.issuer
                $0.holder = cached.holder
                $0.status = cached.status
                $0.freshness = cached.freshness
                $0.admits = cached.admits
            }
            return cached
        }
        return try await DeadlineRace.run(until: deadline, clock: deadlines,
                                          late: .unavailable("the request deadline passed before an answer was ready")) {
            [self] () throws(HealthgateError) -> VerificationResult in
            try await verifyWithin(qr, purpose: purpose, trace: trace, deadline: deadline, prefetched: prefetched)
        }
    }

    /// A checkpoint's code recognised without any call, and its cache lookup.
    struct Prefetched: Sendable {
        var code: RecognisedCode
        var adapter: any CityAdapter
        var city: String
        var lookup: CacheLookup
    }

    /// Recognises `qr` locally and looks it up in the cache; `nil` when that cannot be done without a call (a
    /// transfer, an unknown key id, a malformed code: the full flow handles those, errors included) or the cache fails.
    func prefetch(_ qr: String, purpose: VerificationPurpose) async -> Prefetched? {
        guard case .checkpoint = purpose, let (code, adapter) = try? recogniseOnce(qr),
              let key = Self.cacheKey(for: code, adapter: adapter, purpose: purpose),
              let city = configuration.current.city(region: code.issuer)
        else { return nil }
        let policy = CachePolicy(freshnessBudget: city.freshness, staleLimit: city.staleLimit)
        guard let lookup = try? await cache.lookup(key, codeValidUntil: code.validUntil, now: clock.now(), policy: policy)
        else { return nil }
        return Prefetched(code: code, adapter: adapter, city: city.name, lookup: lookup)
    }

    /// `verify`, without the deadline's guard.
    func verifyWithin(_ qr: String, purpose: VerificationPurpose, trace: RequestTrace,
                      deadline: ContinuousClock.Instant, prefetched: Prefetched? = nil)
        async throws(HealthgateError) -> VerificationResult {
        trace.update { $0.purpose = purpose.description }
        let (code, adapter) = if let prefetched { (prefetched.code, prefetched.adapter) }
            else { try await recognise(qr, deadline: deadline) }
        trace.update { $0.issuer = code.issuer }
        let result = try await verify(code: code, adapter: adapter, purpose: purpose, trace: trace, deadline: deadline,
                                      lookup: prefetched?.lookup)
        trace.update {
            $0.holder = result.holder
            $0.status = result.status
            $0.freshness = result.freshness
            $0.admits = result.admits
        }
        return result
    }

    /// The flow after recognition.
    /// `lookup`, when given, is this code's cache lookup already made (`prefetch`).
    func verify(code: RecognisedCode, adapter: any CityAdapter, purpose: VerificationPurpose, trace: RequestTrace,
                deadline: ContinuousClock.Instant, lookup prefetchedLookup: CacheLookup? = nil)
        async throws(HealthgateError) -> VerificationResult {
        let config = configuration.current
        guard let city = config.city(region: code.issuer) else {
            throw HealthgateError(.unknownIssuer, "the issuer is not configured")
        }
        let now = clock.now()
        let policy = CachePolicy(freshnessBudget: city.freshness, staleLimit: city.staleLimit)
        let key = Self.cacheKey(for: code, adapter: adapter, purpose: purpose)
        var staleEntry: VerificationResult?
        if let key {
            var lookup = prefetchedLookup ?? .miss
            if prefetchedLookup == nil {
                do {
                    lookup = try await cache.lookup(key, codeValidUntil: code.validUntil, now: now, policy: policy)
                } catch {
                    logger.warning("cache lookup failed; asking the issuer", metadata: ["city": "\(city.name)"])
                }
            }
            switch lookup {
            case .fresh(let cached):
                metrics.cache(city: city.name, result: "hit")
                return cached
            case .stale(let stale):
                staleEntry = stale
            case .miss:
                break
            }
        }
        do throws(HealthgateError) {
            // The breaker, bulkhead and retry budget are `CityCalls`'; the city gets the deadline less the time the
            // degraded answer may need.
            let live = try await callIssuer(code: code, adapter: adapter, city: city, config: config, purpose: purpose,
                                            trace: trace, deadline: deadline - Self.answerReserve)
            let validUntil = [code.validUntil, live.codeValidUntil].compactMap { $0 }.min()
            trace.update { $0.codeValidUntil = validUntil }
            if let key {
                await store(live, key: key, code: code, city: city, askedAt: now, policy: policy)
                metrics.cache(city: city.name, result: "miss")
            }
            return live.result
        } catch {
            if error.code == .issuerUnavailable,
               let degraded = await degraded(code: code, adapter: adapter, stale: staleEntry, city: city, config: config) {
                return degraded
            }
            throw error
        }
    }

    /// Where an answer for `code` may be cached and found: checkpoints only (a transfer is always live), keyed by the
    /// adapter's cache key of the code and, when the issuer decides per scene, the scene.
    static func cacheKey(for code: RecognisedCode, adapter: any CityAdapter, purpose: VerificationPurpose) -> CacheKey? {
        guard case .checkpoint(let scene) = purpose else { return nil }
        return CacheKey(issuer: code.issuer, code: adapter.cacheKey(for: code),
                        scene: adapter.decidesPerScene ? scene.rawValue : nil)
    }

    /// The answer when the issuer is unavailable: a stale entry within the stale limit, or what the code itself says
    /// (Shanghai's signed status); either bounded by the holder's newest notice, so never less severe than what the
    /// issuer last announced.
    func degraded(code: RecognisedCode, adapter: any CityAdapter, stale: VerificationResult?, city: CityConfiguration,
                  config: GatewayConfiguration) async -> VerificationResult? {
        let candidate: VerificationResult
        if let stale {
            metrics.cache(city: city.name, result: "stale")
            candidate = stale.with(freshness: .stale, allowDegradedAdmit: city.allowStaleAdmit)
        } else if let offline = adapter.offlineResult(for: code, pseudonyms: config.pseudonymKey,
                                                      allowDegradedAdmit: city.allowSignatureOnlyAdmit) {
            candidate = offline
        } else {
            return nil
        }
        let notice: HolderNotice?
        do {
            notice = try await cache.notice(issuer: candidate.issuer, holder: candidate.holder)
        } catch {
            // Without the notices the gateway cannot tell whether the issuer announced a worse status: no answer.
            logger.warning("holder notices unreadable; no degraded answer", metadata: ["city": "\(city.name)"])
            return nil
        }
        return candidate.bounded(by: notice)
    }

    /// A live native verification (no cache): for transfers, which need the ID digest.
    public func verifyLive(code: RecognisedCode, adapter: any CityAdapter, purpose: VerificationPurpose,
                           trace: RequestTrace, deadline: ContinuousClock.Instant) async throws(HealthgateError)
        -> NativeVerification {
        let config = configuration.current
        guard let city = config.city(region: code.issuer) else {
            throw HealthgateError(.unknownIssuer, "the issuer is not configured")
        }
        return try await callIssuer(code: code, adapter: adapter, city: city, config: config, purpose: purpose,
                                    trace: trace, deadline: deadline)
    }

    /// Stores a live answer under `key` until the earlier of the code's validity as the code tells it and as the
    /// issuer's answer tells it; a code whose validity neither tells is not cached.
    private func store(_ live: NativeVerification, key: CacheKey, code: RecognisedCode, city: CityConfiguration,
                       askedAt: Date, policy: CachePolicy) async {
        let bounds = [code.validUntil, live.codeValidUntil].compactMap { $0 }
        guard let validUntil = bounds.min() else { return }
        do {
            try await cache.store(live.result, key: key, validUntil: validUntil, askedAt: askedAt, policy: policy,
                                  durably: false)
        } catch {
            logger.warning("cache store failed", metadata: ["city": "\(city.name)"])
        }
    }

    /// Sends the native request through `CityCalls` (breaker, bulkhead, one retry of a transient failure within the
    /// retry budget, never past `deadline`).
    func callIssuer(code: RecognisedCode, adapter: any CityAdapter, city: CityConfiguration,
                    config: GatewayConfiguration, purpose: VerificationPurpose, trace: RequestTrace,
                    deadline: ContinuousClock.Instant) async throws(HealthgateError) -> NativeVerification {
        try await calls.call(city, config: config, deadline: deadline, trace: trace) {
            adapter.verifyRequest(for: code, purpose: purpose, caller: config.home, requestID: UUID(), now: clock.now())
        } parse: { (response) throws(HealthgateError) -> NativeVerification in
            try adapter.parseVerifyResponse(response, for: code, receivedAt: clock.now(), pseudonyms: config.pseudonymKey)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
