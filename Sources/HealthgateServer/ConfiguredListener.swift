import NIOCore
import ServiceLifecycle

/// One of the gateway's listeners as a service whose start-up failure is a `ListenerError` naming the configuration
/// keys and the address, instead of NIO's `bind(descriptor:ptr:bytes:)` and an errno.
struct ConfiguredListener<Listener: Service>: Service {
    let listener: Listener
    let keys: String
    let address: String

    func run() async throws {
        do {
            try await listener.run()
        } catch let error as IOError {
            throw ListenerError(keys: keys, address: address, error: error)
        }
    }
}
