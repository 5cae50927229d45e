import Logging
import ServiceLifecycle

/// Logs the moment a graceful shutdown starts (SIGTERM or SIGINT), so that the log shows why the gateway stopped
/// taking requests; it has nothing else to do.
struct ShutdownAnnouncer: Service {
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.notice("shutdown requested: finishing in-flight requests, then flushing the audit trail")
    }
}
