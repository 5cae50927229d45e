import Crypto
import Foundation
import Synchronization

/// The simulated Beijing Jingxinxiangzhu system (beijing.md): HealthStatusQuery and ArrivalRegister in XML, some
/// answers in GB18030 from "older nodes", elements in varying order with unknown ones, an HTML front proxy.
///
/// Written from the document alone. Beijing sends no notifications. Routes are in `BeijingSimulator+Routes.swift`.
public final class BeijingSimulator: SimulatedCity {
    /// The region code of Beijing.
    public static let regionCode = "110000"
    /// A code is valid this many seconds after it was drawn.
    public static let codeLifetime: TimeInterval = 600
    /// A code drawn this many seconds in the future is still accepted (clock skew).
    public static let futureSkew: TimeInterval = 60

    /// Which character set the nodes answer in.
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8, except for holders on an older node (GB18030): the default.
        case perHolder
        /// Every answer in UTF-8.
        case utf8
        /// Every answer in GB18030, as an older node.
        case gb18030
    }

    struct Store: Sendable {
        var holders: [BeijingHolder]
        /// QR contents Beijing accepts besides those carrying a valid check (the document's examples).
        var knownCodes: Set<String> = []
        var arrivals: [String: [BeijingXML.Node]] = [:]
        var arrivalCount = 0
        var answers = 0
    }

    public let name = "beijing"
    public let region = BeijingSimulator.regionCode
    public let faults = FaultSwitch()
    public let clock: SimulatorClock
    let store: Mutex<Store>
    private let settings = Mutex((policy: ArrivalPolicy.faithful, encoding: Encoding.perHolder))
    private let checkKey = SymmetricKey(data: Array("healthgate-simulated-beijing-check".utf8))

    /// A Beijing with the seeded population.
    public init(clock: SimulatorClock = SimulatorClock()) {
        self.clock = clock
        var store = Store(holders: BeijingPopulation.seed(now: clock.now()))
        // The document's example codes for the yellow pop-up-1 holder.
        store.knownCodes = [
            "BJJXXZ|11010520200302000017|20200302081455|7c1e04ab",
            "BJJXXZ|11010520200302000017|20200302081000|7c1e04ab",
        ]
        self.store = Mutex(store)
    }

    /// How arriving travellers are given a status (faithful unless a test says otherwise).
    public var arrivalPolicy: ArrivalPolicy {
        get { settings.withLock { $0.policy } }
        set { settings.withLock { $0.policy = newValue } }
    }

    /// Which character set the answers use (per holder by default).
    public var encoding: Encoding {
        get { settings.withLock { $0.encoding } }
        set { settings.withLock { $0.encoding = newValue } }
    }

    /// Every holder, seeded and arrived.
    public var holders: [BeijingHolder] { store.withLock { $0.holders } }

    /// The holder with this handle or card number.
    public func holder(_ key: String) -> BeijingHolder? {
        store.withLock { $0.holders.first { $0.handle == key || $0.cardId == key } }
    }

    /// Adds a holder (tests: a person with a chosen ID number).
    public func add(_ holder: BeijingHolder) {
        store.withLock { $0.holders.append(holder) }
    }

    /// Moves a holder to an older node (GB18030 answers) or back.
    public func setOlderNode(_ key: String, _ older: Bool) throws(SimulatorError) {
        let found = store.withLock { store -> Bool in
            guard let index = store.holders.firstIndex(where: { $0.handle == key || $0.cardId == key }) else { return false }
            store.holders[index].olderNode = older
            return true
        }
        guard found else { throw SimulatorError(.unknownHolder, "no such Beijing holder") }
    }

    /// The check Beijing puts in a code: 8 lower-case hex digits only it can compute.
    func check(card: String, generated: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(card)|\(generated)".utf8), using: checkKey)
        return mac.prefix(4).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Issues a currently valid QR content for a holder: `BJJXXZ|card|now|check`.
    public func issueCode(for key: String, generatedAt: Date? = nil) throws(SimulatorError) -> String {
        guard let holder = holder(key) else { throw SimulatorError(.unknownHolder, "no such Beijing holder") }
        let generated = LocalTime.compact(generatedAt ?? clock.now())
        return "BJJXXZ|\(holder.cardId)|\(generated)|\(check(card: holder.cardId, generated: generated))"
    }

    /// Changes a holder's status (Beijing notifies nobody).
    ///
    /// `status` is a Beijing word or a canonical one (`green`, `yellow`, `red`, `pending`, `unknown`); `popup` 1–5
    /// or `nil`; `observationEnd` `yyyy-MM-dd` or `yyyyMMdd`.
    @discardableResult
    public func setStatus(
        _ key: String, status: String, popup: Int? = nil, observationEnd: String? = nil, explanation: String? = nil
    ) throws(SimulatorError) -> BeijingHolder {
        let words = [
            "green": BeijingPopulation.green, "yellow": BeijingPopulation.home, "red": BeijingPopulation.central,
            "pending": BeijingPopulation.verifying, "unknown": BeijingPopulation.noRecord,
        ]
        let word = words[status] ?? status
        guard words.values.contains(word) else {
            throw SimulatorError(.invalidStatus, "Beijing statuses are 未见异常, 居家观察, 集中观察, 核验中, 暂无信息")
        }
        if let popup, !(1...5).contains(popup) { throw SimulatorError(.invalidStatus, "a pop-up category is 1 to 5") }
        var end: String?
        if let observationEnd {
            let compact = observationEnd.replacingOccurrences(of: "-", with: "")
            guard LocalTime.parseCompactDate(compact) != nil else {
                throw SimulatorError(.invalidStatus, "observationEnd is a date")
            }
            end = compact
        }
        let now = clock.now()
        let updated: BeijingHolder? = store.withLock { store in
            guard let index = store.holders.firstIndex(where: { $0.handle == key || $0.cardId == key }) else { return nil }
            store.holders[index].status = word
            store.holders[index].popup = popup
            store.holders[index].observationEnd = end
            store.holders[index].explanation = explanation
            store.holders[index].statusTime = now
            return store.holders[index]
        }
        guard let updated else { throw SimulatorError(.unknownHolder, "no such Beijing holder") }
        return updated
    }
}
