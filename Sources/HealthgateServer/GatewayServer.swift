import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// What the gateway is composed with: the transport to the cities, the cache, audit trail and transfer records, a
/// storage readiness
/// probe, and the long-running services those need (audit flusher, cache purge, curl driver).
public struct GatewayDependencies: Sendable {
    public var transport: any CityTransport
    public var cache: any VerificationCaching
    public var audit: any AuditRecording
    /// Where transfers that reached the home city are recorded (the SQLite `TransferStore` in production).
    public var transferRecords: any TransferRecording
    /// Problems of the storage (database not writable…); empty when ready.
    public var storageProblems: @Sendable () async -> [String]
    /// Services to run before the servers start and to stop after they stopped (audit flush on shutdown).
    public var services: [any Service]
    /// What each city did recently (calls, failures, cache lookups), for the operations page.
    public var activity: CityActivity
    /// The audit trail's head for the operations page, or `nil` when there is no trail to show.
    public var auditHead: @Sendable () async -> AuditHeadStatus?

    public init(transport: any CityTransport, cache: any VerificationCaching, audit: any AuditRecording,
                transferRecords: any TransferRecording = NoTransferRecords(),
                storageProblems: @escaping @Sendable () async -> [String] = { [] }, services: [any Service] = [],
                activity: CityActivity = CityActivity(),
                auditHead: @escaping @Sendable () async -> AuditHeadStatus? = { nil }) {
        self.activity = activity
        self.auditHead = auditHead
        self.transport = transport
        self.cache = cache
        self.audit = audit
        self.transferRecords = transferRecords
        self.storageProblems = storageProblems
        self.services = services
    }
}

/// The running gateway of one home city: the mutual-TLS application, the operations application, the configuration
/// watcher and key refresher, in one `ServiceGroup` that shuts down gracefully on SIGTERM (the servers first, so that
/// in-flight requests finish and their audit records are flushed).
public struct GatewayServer: Sendable {
    public let configuration: ConfigStore
    public let dependencies: GatewayDependencies
    public let adapters: AdapterRegistry
    public let verification: VerificationService
    public let invalidation: InvalidationService
    /// The transfer flow (`POST /v1/transfers`), with its in-memory ledger of request ids and its records.
    public let transfers: TransferService
    /// The certificate and key the listener presents, re-read at each configuration reload.
    public let serverIdentity = ServerIdentity()
    /// The recent configuration reload attempts (the operations page shows them).
    public let reloads = ReloadHistory()
    let identities: any IdentitySource
    let clock: any WallClock
    let logger: Logger
    let loader: ConfigLoader

    /// A gateway over `configuration`; `identities` is the TLS peer certificate except in `.router` tests.
    public init(configuration: ConfigStore, dependencies: GatewayDependencies,
                identities: any IdentitySource = TLSPeerIdentitySource(), clock: any WallClock = SystemWallClock(),
                loader: ConfigLoader = ConfigLoader(),
                adapterFactory: @escaping AdapterRegistry.Factory = AdapterRegistry.defaultFactory,
                logger: Logger = Logger(label: "healthgate")) throws(HealthgateError) {
        self.configuration = configuration
        self.dependencies = dependencies
        self.identities = identities
        self.clock = clock
        self.logger = logger
        self.loader = loader
        _ = MetricsRegistry.shared
        adapters = try AdapterRegistry(configuration: configuration.current, factory: adapterFactory, now: clock.now())
        verification = VerificationService(configuration: configuration, adapters: adapters,
                                           transport: dependencies.transport, cache: dependencies.cache, clock: clock,
                                           logger: logger)
        invalidation = InvalidationService(cache: dependencies.cache, configuration: configuration, clock: clock,
                                           logger: logger)
        transfers = TransferService(configuration: configuration, adapters: adapters, verification: verification,
                                    transport: dependencies.transport, records: dependencies.transferRecords,
                                    clock: clock, logger: logger)
    }

    /// The mutual-TLS router: the audit (outermost), problem rendering and authentication in front of every route;
    /// each route's roles and body deadline where it is registered.
    public func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: AuditMiddleware(configuration: configuration, audit: dependencies.audit, clock: clock,
                                               logger: logger))
        router.add(middleware: ProblemMiddleware(configuration: configuration, logger: logger))
        router.add(middleware: AuthenticationMiddleware(configuration: configuration, identities: identities,
                                                        clock: clock))
        GatewayRoutes(configuration: configuration, adapters: adapters, verification: verification,
                      invalidation: invalidation, clock: clock).register(on: router)
        TransferRoutes(configuration: configuration, transfers: transfers, clock: clock).register(on: router)
        return router
    }

    /// The server TLS configuration: TLS 1.2+, client certificate required and verified against the client CAs; each
    /// handshake presents `identity`'s current certificate and key (those of `listen` until a reload replaces them).
    public static func tlsConfiguration(_ listen: ListenConfiguration, identity: ServerIdentity) throws -> TLSConfiguration {
        let initial = try ServerIdentity.read(listen)
        identity.use(initial)
        var roots: [NIOSSLCertificate] = []
        for path in listen.clientCAPaths { roots += try NIOSSLCertificate.fromPEMFile(path) }
        var tls = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: initial.certificateChain ?? [], privateKey: initial.privateKey!, trustRoots: .certificates(roots))
        tls.minimumTLSVersion = .tlsv12
        // Closing a connection (idle timeout, graceful shutdown) waits this long for the client's close_notify, after
        // everything was written. NIOSSL's default, 5 s, made every SIGTERM wait 5 s for each pooled client connection
        // (a city notifier's, a checkpoint's) that did not answer it.
        tls.shutdownTimeout = .milliseconds(250)
        tls.certificateVerification = .noHostnameVerification
        tls.sslContextCallback = { _, promise in promise.succeed(identity.override) }
        return tls
    }

    /// The mutual-TLS application.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        let listen = configuration.current.listen
        return Application(
            router: makeRouter(),
            server: try .observedTLS(idleTimeout: .milliseconds(Int64(listen.headerTimeout.seconds * 1000)),
                                     tlsConfiguration: Self.tlsConfiguration(listen, identity: serverIdentity),
                                     bodyTimeout: { [configuration] in configuration.current.listen.bodyTimeout },
                                     logger: logger),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The operations application (plain HTTP, loopback).
    public func makeOpsApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = Router()
        OpsRoutes(configuration: configuration, registry: MetricsRegistry.shared,
                  storageProblems: dependencies.storageProblems).register(on: router)
        OpsPageRoutes(status: OpsStatusSource(configuration: configuration, verification: verification,
                                              activity: dependencies.activity, reloads: reloads,
                                              auditHead: dependencies.auditHead)).register(on: router)
        let ops = configuration.current.ops
        return Application(
            router: router, configuration: .init(address: .hostname(ops.host, port: ops.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// The configuration watcher: a valid new file rebuilds the adapters and re-reads the listener's certificate and
    /// key (a file that does not load refuses the whole reload), then is swapped in.
    public func makeConfigWatcher() -> ConfigWatcher {
        let adapters = adapters
        let clock = clock
        let serverIdentity = serverIdentity
        return ConfigWatcher(store: configuration, loader: loader, logger: logger, history: reloads) { next in
            let identity = try ServerIdentity.read(next.listen)
            try adapters.rebuild(from: next, now: clock.now())
            serverIdentity.use(identity)
        }
    }

    /// Every service of the gateway, in start order (shutdown runs in reverse: servers first, storage last).
    public func services(onGatewayRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                         onOpsRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let current = configuration.current
        return dependencies.services + [
            makeConfigWatcher(),
            KeySetRefresher(configuration: configuration, adapters: adapters, transport: dependencies.transport,
                            clock: clock, logger: logger),
            ConfiguredListener(listener: makeOpsApplication(onServerRunning: onOpsRunning),
                               keys: "ops.host, ops.port", address: "\(current.ops.host):\(current.ops.port)"),
            ConfiguredListener(listener: try makeApplication(onServerRunning: onGatewayRunning),
                               keys: "listen.host, listen.port",
                               address: "\(current.listen.host):\(current.listen.port)"),
        ]
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(onGatewayRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                    onOpsRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        GatewayMetrics().certificates(configuration.current.certificateMaterial, now: clock.now())
        let group = ServiceGroup(configuration: .init(
            services: try services(onGatewayRunning: onGatewayRunning, onOpsRunning: onOpsRunning)
                + [ShutdownAnnouncer(logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
