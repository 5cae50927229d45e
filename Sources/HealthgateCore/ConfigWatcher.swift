import Dispatch
import Foundation
import HealthgateConfig
import Logging
import ServiceLifecycle

/// Reloads the configuration without a restart: polls the file's modification time (and reloads on SIGHUP), validates
/// the new file and swaps the snapshot atomically; an invalid file is refused, the old snapshot kept.
public struct ConfigWatcher: Service {
    let store: ConfigStore
    let loader: ConfigLoader
    let metrics: GatewayMetrics
    let logger: Logger
    let history: ReloadHistory
    let onReload: @Sendable (GatewayConfiguration) async throws -> Void

    public init(store: ConfigStore, loader: ConfigLoader = ConfigLoader(), metrics: GatewayMetrics = GatewayMetrics(),
                logger: Logger = Logger(label: "healthgate.config"), history: ReloadHistory = ReloadHistory(),
                onReload: @escaping @Sendable (GatewayConfiguration) async throws -> Void = { _ in }) {
        self.history = history
        self.store = store
        self.loader = loader
        self.metrics = metrics
        self.logger = logger
        self.onReload = onReload
    }

    /// Reloads now if the file changed (or when `force`); returns whether a new snapshot is in force.
    @discardableResult
    public func reloadIfChanged(force: Bool = false) async -> Bool {
        let current = store.current
        let path = current.sourcePath
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        guard force || modified != current.loadedFrom else { return false }
        do {
            let next = try loader.load(path: path)
            try await onReload(next)
            // Keys a running gateway cannot change stay as they were: say so rather than pretend.
            var kept = next
            let restart = RestartRequirement.changes(from: current, to: next)
            if !restart.isEmpty {
                kept.listen.host = current.listen.host
                kept.listen.port = current.listen.port
                kept.listen.clientCAPaths = current.listen.clientCAPaths
                kept.ops = current.ops
                kept.databasePath = current.databasePath
                kept.audit.signingKeyPath = current.audit.signingKeyPath
            }
            store.replace(with: kept)
            metrics.reload(outcome: "applied")
            metrics.certificates(next.certificateMaterial, now: Date())
            for warning in next.warnings {
                logger.warning("configuration warning", metadata: ["issue": "\(warning.description)"])
            }
            if restart.isEmpty {
                history.record("applied")
                logger.info("configuration reloaded", metadata: ["path": "\(path)"])
            } else {
                history.record("applied-restart-needed", notes: restart)
                logger.warning("configuration reloaded, but a restart is needed to apply every change",
                               metadata: ["path": "\(path)", "restartNeeded": "\(restart.joined(separator: "; "))"])
            }
            return true
        } catch let error as ConfigValidationError {
            refuse(current, modified: modified)
            history.record("refused", notes: error.issues.map(\.description))
            logger.error("configuration refused; keeping the one in force",
                         metadata: ["issues": "\(error.issues.map(\.description))"])
        } catch {
            refuse(current, modified: modified)
            history.record("refused", notes: ["\(error)"])
            logger.error("configuration refused; keeping the one in force", metadata: ["error": "\(error)"])
        }
        return false
    }

    /// Remembers the refused file's time so that the same bad file is not reported every poll.
    private func refuse(_ current: GatewayConfiguration, modified: Date?) {
        metrics.reload(outcome: "refused")
        var kept = current
        if let modified { kept.loadedFrom = modified }
        store.replace(with: kept)
    }

    /// SIGHUP deliveries, through a dispatch signal source (the default action, terminate, is turned off).
    static func hangups() -> AsyncStream<Void> {
        AsyncStream { continuation in
            signal(SIGHUP, SIG_IGN)
            let source = SignalSourceBox(DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global()))
            source.source.setEventHandler { continuation.yield() }
            source.source.resume()
            continuation.onTermination = { _ in source.source.cancel() }
        }
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in Self.hangups() {
                    await reloadIfChanged(force: true)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: store.current.reloadInterval) } catch { return }
                    await reloadIfChanged()
                }
            }
            try? await gracefulShutdown()  // returns on shutdown or cancellation
            group.cancelAll()
        }
    }
}

/// Holds a dispatch signal source for the stream's termination handler.
// @unchecked Sendable: a DispatchSource is thread-safe (its methods may be called from any thread); the reference is
// only read after initialisation.
private final class SignalSourceBox: @unchecked Sendable {
    let source: any DispatchSourceSignal
    init(_ source: any DispatchSourceSignal) { self.source = source }
}
