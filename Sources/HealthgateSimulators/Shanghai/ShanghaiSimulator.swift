import Foundation
import Synchronization

/// The simulated Shanghai Suishenma system (shanghai.md): signing keys, holder status, arrivals, signed QR tokens
/// and `status.changed` notifications.
///
/// Written from the document alone. State lives behind a mutex; the routes are in `ShanghaiSimulator+Routes.swift`.
public final class ShanghaiSimulator: SimulatedCity {
    /// The region code of Shanghai.
    public static let regionCode = "310000"
    /// The reason codes of the document.
    public static let reasonCodes: Set<String> = [
        "SH-CLEAR", "SH-KEYAREA-ARRIVAL", "SH-CONTACT", "SH-SUSPECTED", "SH-CONFIRMED", "SH-OBSERVATION", "SH-APPEAL",
    ]

    struct Arrival: Sendable {
        var request: ShanghaiArrivalRequest
        var answer: JSONValue
    }

    struct Store: Sendable {
        var holders: [ShanghaiHolder]
        var arrivals: [String: Arrival] = [:]
        var arrivalCount = 0
        /// Every arrival registration received, repeats included, by request id.
        var arrivalRequests: [String: Int] = [:]
    }

    public let name = "shanghai"
    public let region = ShanghaiSimulator.regionCode
    public let faults = FaultSwitch()
    public let clock: SimulatorClock
    /// Sends `status.changed` to subscribed gateways.
    public let notifier: Notifier
    /// The key that signs new tokens (its public half is first in the JWK set).
    public let signingKey: ShanghaiSigningKey
    let store: Mutex<Store>
    private let extraKeys: Mutex<[ShanghaiSigningKey]>
    private let policy = Mutex(ArrivalPolicy.faithful)

    /// A Shanghai with the seeded population, signing with `signingKey` (the published test key by default).
    public init(
        signingKey: ShanghaiSigningKey = .test, clock: SimulatorClock = SimulatorClock(),
        notificationSender: (any NotificationSender)? = nil, notificationRetryDelay: Duration = .milliseconds(200)
    ) {
        self.signingKey = signingKey
        self.clock = clock
        self.notifier = Notifier(sender: notificationSender, maxRetries: 5, retryDelay: notificationRetryDelay)
        self.store = Mutex(Store(holders: ShanghaiPopulation.seed(now: clock.now())))
        self.extraKeys = Mutex([])
    }

    /// How arriving travellers are given a status (faithful unless a test says otherwise).
    public var arrivalPolicy: ArrivalPolicy {
        get { policy.withLock { $0 } }
        set { policy.withLock { $0 = newValue } }
    }

    /// The keys `GET /sssm/v1/keys` publishes: the signing key, then any added (rotation tests).
    public var publishedKeys: [ShanghaiSigningKey] { [signingKey] + extraKeys.withLock { $0 } }

    /// Publishes another key in the JWK set (tests of key rotation).
    public func publish(_ key: ShanghaiSigningKey) {
        extraKeys.withLock { $0.append(key) }
    }

    /// Every holder, seeded and arrived.
    public var holders: [ShanghaiHolder] { store.withLock { $0.holders } }

    /// How many arrival registrations arrived with `requestID` (repeats included), to show a gateway registered once.
    public func arrivalRegistrations(requestID: String) -> Int { store.withLock { $0.arrivalRequests[requestID] ?? 0 } }

    /// The holder with this handle or sid.
    public func holder(_ key: String) -> ShanghaiHolder? {
        store.withLock { $0.holders.first { $0.handle == key || $0.sid == key } }
    }

    /// Adds a holder (tests: a person with a chosen ID number).
    public func add(_ holder: ShanghaiHolder) {
        store.withLock { $0.holders.append(holder) }
    }

    /// Issues a currently valid QR content for a holder: a token signed now, valid for one hour, with the
    /// holder's current status in `st`.
    public func issueCode(for key: String) throws(SimulatorError) -> String {
        guard let holder = holder(key) else { throw SimulatorError(.unknownHolder, "no such Shanghai holder") }
        let now = Int64(clock.now().timeIntervalSince1970)
        return signingKey.sign(sid: holder.sid, status: holder.healthStatus, issuedAt: now)
    }

    /// Changes a holder's status, then sends `status.changed` to every subscriber (retried up to 5 times unless
    /// it answers 204); returns when delivery is finished.
    ///
    /// `status` is `0`, `1`, `2`, `9` or a canonical word (`green`, `yellow`, `red`, `unknown`).
    @discardableResult
    public func setStatus(
        _ key: String, status: String, reasonCodes: [String]? = nil, observeEnd: String? = nil
    ) async throws(SimulatorError) -> [NotificationDelivery] {
        let holder = try updateStatus(key, status: status, reasonCodes: reasonCodes, observeEnd: observeEnd)
        return await notifyStatusChanged(holder)
    }

    /// Changes a holder's status without notifying anyone.
    func updateStatus(
        _ key: String, status: String, reasonCodes: [String]?, observeEnd: String?
    ) throws(SimulatorError) -> ShanghaiHolder {
        let words = ["green": 0, "yellow": 1, "red": 2, "unknown": 9, "0": 0, "1": 1, "2": 2, "9": 9]
        guard let code = words[status] else {
            throw SimulatorError(.invalidStatus, "Shanghai statuses are 0, 1, 2 and 9")
        }
        if let reasonCodes, !reasonCodes.allSatisfy({ $0.hasPrefix("SH-") }) {
            throw SimulatorError(.invalidStatus, "a Shanghai reason is an SH- code")
        }
        var end: Date?
        if let observeEnd {
            guard let day = LocalTime.parseDashedDate(observeEnd) else {
                throw SimulatorError(.invalidStatus, "observationEnd is yyyy-MM-dd")
            }
            end = LocalTime.endOfDay(day)
        }
        let now = clock.now()
        let updated: ShanghaiHolder? = store.withLock { store in
            guard let index = store.holders.firstIndex(where: { $0.handle == key || $0.sid == key }) else { return nil }
            store.holders[index].healthStatus = code
            store.holders[index].reasonCodes = reasonCodes ?? (code == 0 ? ["SH-CLEAR"] : [])
            store.holders[index].observeEndTime = code == 0 ? nil : end
            store.holders[index].statusTime = now
            return store.holders[index]
        }
        guard let updated else { throw SimulatorError(.unknownHolder, "no such Shanghai holder") }
        return updated
    }

    /// Sends `status.changed` for `holder` to every subscriber.
    func notifyStatusChanged(_ holder: ShanghaiHolder) async -> [NotificationDelivery] {
        let body = JSONValue.object([
            ("event", .string("status.changed")), ("sid", .string(holder.sid)),
            ("healthStatus", .int(Int64(holder.healthStatus))), ("statusTime", .int(Self.millis(holder.statusTime))),
        ]).bytes
        return await notifier.notifyAll(makeBody: { _ in body }, accepts: { status, _ in status == 204 })
    }

    /// Unix milliseconds.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// The body of `POST /sssm/v1/arrivals`; compared field by field for the idempotency rule.
struct ShanghaiArrivalRequest: Codable, Equatable, Sendable {
    var requestId: String?
    var idNumber: String?
    var name: String?
    var fromRegion: String?
    var fromStatus: Int?
    var fromReasonCodes: [String]?
    var fromObserveEndTime: Int64?
    var arrivalTime: Int64?
}
