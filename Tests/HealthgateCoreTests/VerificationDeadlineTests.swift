import Foundation
import HealthgateAdapters
@testable import HealthgateConfig
@testable import HealthgateCore
import HealthgateModel
import Testing

/// The verify flow under a hanging Hangzhou, on the manual clock: every one of 200 concurrent requests is answered
/// by its request deadline, most of them at once (breaker, bulkhead), none later.
@Suite struct VerificationDeadlineTests {
    let clock = ManualDeadlineClock()
    static let code = "HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F"

    @Test func everyVerifyIsAnsweredByItsDeadlineUnderAHangingCity() async throws {
        let transport = FakeTransport(clock: clock) { _ in .hang }
        let config = CoreFixtures.configuration(breakerFailures: 5)
        let service = VerificationService(
            configuration: ConfigStore(config), adapters: try AdapterRegistry(configuration: config),
            transport: transport, cache: NoCache(), deadlineClock: clock)
        let start = clock.now
        let deadline = start + .seconds(8)
        let answeredAt = Locked<[ContinuousClock.Instant]>([])
        let tasks = (0..<200).map { _ in
            Task { () -> HealthgateError? in
                defer { answeredAt.withLock { $0.append(clock.now) } }
                do throws(HealthgateError) {
                    _ = try await service.verify(Self.code, purpose: .checkpoint(.transport), trace: RequestTrace(),
                                                 deadline: deadline)
                    return nil
                } catch {
                    return error
                }
            }
        }
        // The bulkhead holds 8 in flight and 24 waiting; the other 168 are answered before any time passes.
        #expect(await eventually { answeredAt.withLock { $0.count } == 168 })
        for _ in 0..<80 {
            clock.advance(by: .milliseconds(100))
            try? await Task.sleep(for: .milliseconds(2))  // lets the woken tasks run; the clock alone ages them
        }
        for task in tasks { #expect(await task.value?.code == .issuerUnavailable) }
        #expect(answeredAt.withLock { $0.allSatisfy { $0 <= deadline } })
        #expect(transport.callCount <= 16)  // 8 calls and their one retry each; nothing for the queue
    }
}
