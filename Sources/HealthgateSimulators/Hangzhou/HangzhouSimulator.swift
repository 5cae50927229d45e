import Foundation
import Synchronization

/// The simulated Hangzhou Health Code system (hangzhou.md): verify, transfer_in, COLOR_CHANGED notifications.
///
/// Written from the document alone. State lives behind a mutex; the routes are in `HangzhouSimulator+Routes.swift`.
/// Started with another name, region and QR prefix it is a copy of Hangzhou's platform (hangzhou.md: Wenzhou 330300
/// `WZHC2:`), identical in everything else.
public final class HangzhouSimulator: SimulatedCity {
    /// The region code of Hangzhou.
    public static let regionCode = "330100"
    /// Hangzhou's own QR prefix.
    public static let defaultQRPrefix = "HZHC2:"
    /// A token is valid this many seconds after its `refresh_time`.
    public static let tokenLifetime: TimeInterval = 300

    struct IssuedToken: Sendable {
        var baseRef: String
        var refreshTime: Date
    }

    struct Store: Sendable {
        var holders: [HangzhouHolder]
        var tokens: [String: IssuedToken] = [:]
        var transfers: [String: JSONValue] = [:]
        var arrivals = 0
    }

    public let name: String
    public let region: String
    /// The prefix of this city's codes (`HZHC2:` for Hangzhou itself); any other prefix is `INVALID_PARAM` here.
    public let qrPrefix: String
    public let faults = FaultSwitch()
    public let clock: SimulatorClock
    /// Sends COLOR_CHANGED to subscribed gateways.
    public let notifier: Notifier
    let store: Mutex<Store>
    private let policy = Mutex(ArrivalPolicy.faithful)
    private let refused = Mutex<Set<String>>([])

    /// A Hangzhou with the seeded population; notifications go through `notificationSender` (none when `nil`).
    public init(
        clock: SimulatorClock = SimulatorClock(), notificationSender: (any NotificationSender)? = nil,
        notificationRetryDelay: Duration = .milliseconds(200), name: String = "hangzhou",
        region: String = HangzhouSimulator.regionCode, qrPrefix: String = HangzhouSimulator.defaultQRPrefix
    ) {
        self.name = name
        self.region = region
        self.qrPrefix = qrPrefix
        self.clock = clock
        self.notifier = Notifier(sender: notificationSender, maxRetries: 5, retryDelay: notificationRetryDelay)
        var store = Store(holders: HangzhouPopulation.seed(now: clock.now()))
        // The document's example token, for the yellow R12 holder (valid when the clock is set to 2020-03-02 08:15).
        if let example = store.holders.first(where: { $0.handle == "yellow-R12" }),
            let refresh = LocalTime.parseDashed("2020-03-02 08:14:31")
        {
            store.tokens["01HV8Q6M3T9B5K2X7R4N0C8D1F"] = IssuedToken(baseRef: example.baseRef, refreshTime: refresh)
        }
        self.store = Mutex(store)
    }

    /// How arriving travellers are given a colour (faithful unless a test says otherwise).
    public var arrivalPolicy: ArrivalPolicy {
        get { policy.withLock { $0 } }
        set { policy.withLock { $0 = newValue } }
    }

    /// The `industry_type`s this Hangzhou answers `NO_PERMISSION` for, whoever asks (none unless a test says so): a
    /// city's per-scene decision.
    public var refusedIndustryTypes: Set<String> {
        get { refused.withLock { $0 } }
        set { refused.withLock { $0 = newValue } }
    }

    /// Every holder, seeded and arrived.
    public var holders: [HangzhouHolder] { store.withLock { $0.holders } }

    /// The holder with this handle, base reference, or `holder_ref` for a known region.
    public func holder(_ key: String) -> HangzhouHolder? {
        store.withLock { store in
            store.holders.first { Self.matches($0, key) }
        }
    }

    /// The caller regions whose `holder_ref` the admin routes accept as a holder's key.
    static let knownRegions = ["310000", "110000", "330100", "330300"]

    static func matches(_ holder: HangzhouHolder, _ key: String) -> Bool {
        holder.handle == key || holder.baseRef == key
            || knownRegions.contains { holder.holderRef(forRegion: $0) == key }
    }

    /// Adds a holder (tests: a person with a chosen ID number).
    public func add(_ holder: HangzhouHolder) {
        store.withLock { $0.holders.append(holder) }
    }

    /// Issues a currently valid QR content (the city's prefix and a new token, `refresh_time` now) for a holder.
    public func issueCode(for key: String) throws(SimulatorError) -> String {
        let now = clock.now()
        let token: String? = store.withLock { store in
            guard let holder = store.holders.first(where: { Self.matches($0, key) }) else { return nil }
            var token: String
            repeat { token = Self.randomToken() } while store.tokens[token] != nil
            store.tokens[token] = IssuedToken(baseRef: holder.baseRef, refreshTime: now)
            return token
        }
        guard let token else { throw SimulatorError(.unknownHolder, "no such Hangzhou holder") }
        return qrPrefix + token
    }

    /// Registers a token for a holder with a chosen `refresh_time` (tests: expired tokens, the document's example).
    public func registerToken(_ token: String, for key: String, refreshTime: Date) throws(SimulatorError) {
        let found = store.withLock { store -> Bool in
            guard let holder = store.holders.first(where: { Self.matches($0, key) }) else { return false }
            store.tokens[token] = IssuedToken(baseRef: holder.baseRef, refreshTime: refreshTime)
            return true
        }
        guard found else { throw SimulatorError(.unknownHolder, "no such Hangzhou holder") }
    }

    /// Changes a holder's colour, reason and isolation, then sends COLOR_CHANGED to every subscriber (each retried
    /// up to 5 times unless it answers 200 with `{"result_code":"SUCCESS"}`); returns when delivery is finished.
    ///
    /// `color` is `green`, `yellow`, `red`, `init` or the canonical `pending`.
    @discardableResult
    public func setStatus(
        _ key: String, color: String, reason: String? = nil, quarantineUntil: String? = nil
    ) async throws(SimulatorError) -> [NotificationDelivery] {
        let holder = try updateStatus(key, color: color, reason: reason, quarantineUntil: quarantineUntil)
        return await notifyColorChanged(holder)
    }

    /// Changes a holder's status without waiting for the notifications (they are sent in the background).
    func updateStatus(
        _ key: String, color: String, reason: String?, quarantineUntil: String?
    ) throws(SimulatorError) -> HangzhouHolder {
        let native = color == "pending" ? "init" : color
        guard ["green", "yellow", "red", "init"].contains(native) else {
            throw SimulatorError(.invalidStatus, "Hangzhou colours are green, yellow, red and init")
        }
        if let reason, !(reason.count == 3 && reason.hasPrefix("R")) {
            throw SimulatorError(.invalidStatus, "a Hangzhou reason is an R-code")
        }
        if let quarantineUntil, LocalTime.parseDashedDate(quarantineUntil) == nil {
            throw SimulatorError(.invalidStatus, "quarantine_until is yyyy-MM-dd")
        }
        let now = clock.now()
        let updated: HangzhouHolder? = store.withLock { store in
            guard let index = store.holders.firstIndex(where: { Self.matches($0, key) }) else { return nil }
            store.holders[index].color = native
            store.holders[index].reason = native == "init" ? nil : (reason ?? (native == "green" ? "R00" : "R90"))
            store.holders[index].quarantineUntil = native == "green" ? nil : quarantineUntil
            store.holders[index].colorTime = now
            return store.holders[index]
        }
        guard let updated else { throw SimulatorError(.unknownHolder, "no such Hangzhou holder") }
        return updated
    }

    /// Sends COLOR_CHANGED for `holder` to every subscriber.
    func notifyColorChanged(_ holder: HangzhouHolder) async -> [NotificationDelivery] {
        await notifier.notifyAll(
            makeBody: { subscription in
                JSONValue.object([
                    ("notify_type", .string("COLOR_CHANGED")),
                    ("city_code", .string(subscription.region)),
                    ("holder_ref", .string(holder.holderRef(forRegion: subscription.region))),
                    ("code_color", .string(holder.color)),
                    ("color_time", .string(LocalTime.dashed(holder.colorTime))),
                ]).bytes
            },
            accepts: { status, body in
                guard status == 200,
                    let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                else { return false }
                return object["result_code"] as? String == "SUCCESS"
            })
    }

    /// A new 26-character Crockford base32 token.
    static func randomToken() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        return String((0..<26).map { _ in alphabet.randomElement()! })
    }

    /// Whether `content` is a code of this city: its prefix and 26 Crockford base32 characters (upper case).
    func token(of content: String) -> String? {
        guard content.hasPrefix(qrPrefix) else { return nil }
        let token = String(content.dropFirst(qrPrefix.count))
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        guard token.count == 26, token.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return token
    }
}
