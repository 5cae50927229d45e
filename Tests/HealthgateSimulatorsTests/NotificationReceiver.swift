import Foundation
import HealthgatePKI
import HealthgateSimulators
import Hummingbird
import Synchronization

/// A small gateway-side receiver for city notifications, served over mutual TLS with the gateway's server
/// certificate and trusting the notifying city's CA for client certificates.
final class NotificationReceiver: SimulatedCity {
    let name = "receiver"
    let region = "310000"
    let faults = FaultSwitch()
    let clock = SimulatorClock()
    private let state = Mutex<(bodies: [String], callers: [String], failuresLeft: Int)>(([], [], 0))
    /// The status and body of a success.
    let successStatus: Int
    let successBody: String

    init(successStatus: Int, successBody: String, failFirst: Int = 0) {
        self.successStatus = successStatus
        self.successBody = successBody
        state.withLock { $0.failuresLeft = failFirst }
    }

    var bodies: [String] { state.withLock { $0.bodies } }
    var callers: [String] { state.withLock { $0.callers } }

    func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.post("/notify") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            let caller = await context.caller()?.commonName ?? "?"
            let fail = self.state.withLock { state -> Bool in
                state.bodies.append(String(buffer: body))
                state.callers.append(caller)
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    return true
                }
                return false
            }
            if fail { return Response(status: .internalServerError) }
            return Response(
                status: .init(code: self.successStatus),
                body: self.successBody.isEmpty ? .init() : .init(byteBuffer: ByteBuffer(string: self.successBody)))
        }
        return router
    }

    /// TLS files of the gateway of 310000 receiving from `city`.
    static func tls(_ pki: TestPKI, from city: DevCity) -> SimulatorTLSFiles {
        SimulatorTLSFiles(
            serverCertificate: pki.layout.gatewayServer("310000").certificate,
            serverPrivateKey: pki.layout.gatewayServer("310000").privateKey,
            clientCA: pki.layout.cityCA(city).certificate)
    }
}
