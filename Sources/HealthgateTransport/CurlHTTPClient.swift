import CCurl
import Foundation
import Logging

/// An async HTTPS client over libcurl with mutual TLS, one connection pool and one curl thread per client.
///
/// Create one client for the process (or per component) and share it: requests to the same endpoint reuse its
/// keep-alive connections (HTTP/2 streams when the server offers it), and thousands may be in flight at once.
/// Cancelling the calling task aborts its transfer. Call ``shutdown()`` when done (`deinit` does it too).
public final class CurlHTTPClient: Sendable {
    /// Pool limits for a client.
    public struct Configuration: Hashable, Sendable {
        /// The most connections open to one host at a time; further requests wait for one (or share an HTTP/2 one).
        public var maxConnectionsPerHost: Int
        /// The most connections open at a time in all.
        public var maxTotalConnections: Int
        /// How many idle connections the pool keeps for reuse.
        public var connectionCacheSize: Int

        /// The defaults: 8 connections per host, 256 in all, 64 kept idle.
        public init(maxConnectionsPerHost: Int = 8, maxTotalConnections: Int = 256, connectionCacheSize: Int = 64) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
            self.connectionCacheSize = connectionCacheSize
        }
    }

    private let loop: CurlEventLoop
    /// Easy handles reused from one request to the next.
    let handles: CurlEasyHandlePool

    /// Creates a client and starts its curl thread.
    public init(
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "healthgate.transport")
    ) throws(TransportError) {
        guard
            let multi = CurlMultiHandle(
                maxConnectionsPerHost: configuration.maxConnectionsPerHost,
                maxTotalConnections: configuration.maxTotalConnections,
                connectionCacheSize: configuration.connectionCacheSize)
        else {
            throw TransportError(.invalidRequest, endpoint: "-", reason: "libcurl could not be initialised")
        }
        handles = CurlEasyHandlePool(capacity: configuration.connectionCacheSize)
        loop = CurlEventLoop(multi: multi, handles: handles, logger: logger)
        loop.start(name: "healthgate-curl")
    }

    deinit {
        loop.shutdown()
    }

    /// Stops the curl thread; requests in flight fail with `cancelled`, later ones too.
    public func shutdown() {
        loop.shutdown()
    }

    /// The client's counters so far: requests, responses, failures, new connections and TLS handshakes.
    public var counters: TransportCounters { loop.snapshot }

    /// Sends `request` to `endpoint` and returns the whole response (any HTTP status), or a ``TransportError``.
    ///
    /// Cancelling the calling task aborts the transfer and throws `cancelled`.
    public func send(
        _ request: TransportRequest, endpoint: EndpointConfiguration
    ) async throws(TransportError) -> TransportResponse {
        let transfer = try CurlRequestBuilder.makeTransfer(for: request, endpoint: endpoint, handles: handles)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.setContinuation(continuation)
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        return try result.get()
    }
}
