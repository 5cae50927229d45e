import Foundation
import HealthgateConfig
import HealthgateCore
import Hummingbird
import Prometheus

/// The plain-HTTP operations endpoints (bound to 127.0.0.1): `/healthz`, `/readyz`, `/metrics`.
public struct OpsRoutes: Sendable {
    let configuration: ConfigStore
    let registry: PrometheusCollectorRegistry
    /// Problems of the storage (database not writable…); empty when ready.
    let storageProblems: @Sendable () async -> [String]
    let metrics: GatewayMetrics

    public init(configuration: ConfigStore, registry: PrometheusCollectorRegistry,
                storageProblems: @escaping @Sendable () async -> [String], metrics: GatewayMetrics = GatewayMetrics()) {
        self.configuration = configuration
        self.registry = registry
        self.storageProblems = storageProblems
        self.metrics = metrics
    }

    struct Readiness: Encodable {
        var ready: Bool
        var problems: [String]
    }

    /// What keeps the gateway from serving: storage, and certificate material that is not valid now.
    public func problems(now: Date = Date()) async -> [String] {
        let config = configuration.current
        var problems = await storageProblems()
        for item in config.certificateMaterial {
            if now > item.notValidAfter { problems.append("\(item.key): certificate expired") }
            if now < item.notValidBefore { problems.append("\(item.key): certificate not yet valid") }
            if !FileManager.default.isReadableFile(atPath: item.path) { problems.append("\(item.key): file not readable") }
        }
        return problems
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/readyz") { _, _ in
            let problems = await problems()
            let body = (try? JSONEncoder.sorted.encode(Readiness(ready: problems.isEmpty, problems: problems))) ?? Data()
            return Response(status: problems.isEmpty ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/metrics") { _, _ in
            metrics.certificates(configuration.current.certificateMaterial, now: Date())
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
