import HealthgateAdapters
import HealthgateConfig
@testable import HealthgateCore
import HealthgateModel
import Synchronization

/// A city that answers as a test script says, on the manual clock: each call is given its number (from 1) and the
/// timeout it was sent with.
final class FakeTransport: CityTransport {
    /// What the city does with one call.
    enum Behaviour: Sendable {
        /// Answers at once with this HTTP status.
        case answer(Int)
        /// Answers with this status after `after` (or times out first, as libcurl would).
        case slow(Int, after: Duration)
        /// Never answers: the call ends at its timeout with `issuer-unavailable`.
        case hang
    }

    private let clock: ManualDeadlineClock
    private let script: @Sendable (Int) -> Behaviour
    private let log = Mutex<[Duration]>([])

    init(clock: ManualDeadlineClock, script: @escaping @Sendable (Int) -> Behaviour) {
        self.clock = clock
        self.script = script
    }

    /// The timeout of every call made so far, in order.
    var timeouts: [Duration] { log.withLock { $0 } }
    var callCount: Int { log.withLock { $0.count } }

    func send(_ request: NativeRequest, to city: CityConfiguration, timeout: Duration) async throws(HealthgateError)
        -> NativeResponse {
        let number = log.withLock { calls in
            calls.append(timeout)
            return calls.count
        }
        let started = clock.now
        switch script(number) {
        case .answer(let status):
            return NativeResponse(status: status, headers: [], body: [])
        case .slow(let status, let after) where after < timeout:
            do { try await clock.sleep(until: started + after) } catch { throw .unavailable("cancelled") }
            return NativeResponse(status: status, headers: [], body: [])
        case .slow, .hang:
            do { try await clock.sleep(until: started + timeout) } catch { throw .unavailable("cancelled") }
            throw .unavailable("\(city.name) did not answer in time")
        }
    }

    /// The parse every test uses: 2xx is the answer, 503 a transient failure, anything else the city's refusal.
    static func parse(_ response: NativeResponse) throws(HealthgateError) -> Int {
        switch response.status {
        case 200..<300: return response.status
        case 503: throw .unavailable("busy")
        default: throw .issuerError("refused")
        }
    }
}
