import Logging
import ServiceLifecycle

/// A long-running service that signs the audit chain head every `AuditSealingPolicy.interval` while records are
/// unsigned (the writer signs every N records by itself), and once more when the gateway shuts down.
///
/// Put it before the server in the `ServiceGroup`: services stop in reverse order, so the final signature covers the
/// server's last records.
public struct AuditSealer: Service {
    private let audit: any AuditTrail
    private let interval: Duration
    private let logger: Logger

    /// A sealer of `audit`, every `interval` (default: the log's sealing interval).
    public init(audit: any AuditTrail, interval: Duration? = nil, logger: Logger = Logger(label: "healthgate.storage.audit-sealer")) {
        self.audit = audit
        self.interval = interval ?? audit.sealing.interval
        self.logger = logger
    }

    /// Seals periodically until cancelled or shut down, then seals a last time.
    public func run() async throws {
        let (audit, interval, logger) = (self.audit, self.interval, self.logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await Self.seal(audit, logger)
            }
        }
        await Self.seal(audit, logger)
    }

    private static func seal(_ audit: any AuditTrail, _ logger: Logger) async {
        do throws(StorageError) {
            if let signature = try await audit.sealHead() {
                logger.debug("signed the audit chain head", metadata: ["seq": "\(signature.seq)"])
            }
        } catch {
            logger.warning("signing the audit chain head failed", metadata: ["code": "\(error.code.rawValue)"])
        }
        let failures = audit.statistics.witnessFailures
        if failures > 0, let witness = audit.witness {
            logger.warning("signed heads could not be appended to the witness file", metadata: [
                "path": "\(witness.path)", "failures": "\(failures)"])
        }
    }
}
