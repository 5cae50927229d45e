import Foundation
import Synchronization

/// A gateway's subscription to a city's notifications: where to POST, and the subscriber's region.
public struct NotificationSubscription: Hashable, Sendable, Codable {
    /// The URL the gateway registered (HTTPS, mutual TLS).
    public var url: URL
    /// The subscriber's region (Hangzhou scopes `holder_ref` to it).
    public var region: String

    /// A subscription of the gateway of `region` at `url`.
    public init(url: URL, region: String) {
        self.url = url
        self.region = region
    }
}

/// What happened to one notification: every attempt until the receiver accepted it or the retries ran out.
public struct NotificationDelivery: Hashable, Sendable {
    /// The subscription it went to.
    public let subscription: NotificationSubscription
    /// The JSON sent.
    public let body: String
    /// How many POSTs were made.
    public let attempts: Int
    /// Whether the receiver accepted it.
    public let delivered: Bool
    /// The last HTTP status received, `nil` when nothing was answered.
    public let lastStatus: Int?
}

/// Sends a city's notifications to its subscribers, retrying as the city documents.
public final class Notifier: Sendable {
    private struct State {
        var subscriptions: [NotificationSubscription] = []
        var log: [NotificationDelivery] = []
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let sender: (any NotificationSender)?
    /// Retries after the first attempt (both cities: up to 5).
    public let maxRetries: Int
    /// The pause between attempts.
    public let retryDelay: Duration

    /// A notifier that posts with `sender` (`nil`: notifications are recorded as undelivered).
    public init(sender: (any NotificationSender)?, maxRetries: Int = 5, retryDelay: Duration = .milliseconds(200)) {
        self.sender = sender
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
    }

    /// Adds a subscription (a repeated one is kept once).
    public func subscribe(_ subscription: NotificationSubscription) {
        state.withLock { state in
            if !state.subscriptions.contains(subscription) { state.subscriptions.append(subscription) }
        }
    }

    /// Removes every subscription at `url`.
    public func unsubscribe(url: URL) {
        state.withLock { $0.subscriptions.removeAll { $0.url == url } }
    }

    /// The current subscriptions.
    public var subscriptions: [NotificationSubscription] { state.withLock { $0.subscriptions } }

    /// Every delivery finished so far, oldest first.
    public var deliveries: [NotificationDelivery] { state.withLock { $0.log } }

    /// How many deliveries are still being attempted.
    public var pending: Int { state.withLock { $0.inFlight } }

    /// Sends to every subscriber the body `makeBody` builds for it (skipped when `nil`), each until `accepts`
    /// says yes or the retries run out, concurrently; returns when all are done.
    @discardableResult
    func notifyAll(
        makeBody: @Sendable (NotificationSubscription) -> [UInt8]?,
        accepts: @escaping @Sendable (Int, [UInt8]) -> Bool
    ) async -> [NotificationDelivery] {
        let jobs = subscriptions.compactMap { subscription in makeBody(subscription).map { (subscription, $0) } }
        state.withLock { $0.inFlight += jobs.count }
        return await withTaskGroup(of: NotificationDelivery.self) { group in
            for (subscription, body) in jobs {
                group.addTask { await self.deliver(body, to: subscription, accepts: accepts) }
            }
            var results: [NotificationDelivery] = []
            for await delivery in group {
                results.append(delivery)
                state.withLock {
                    $0.log.append(delivery)
                    $0.inFlight -= 1
                }
            }
            return results
        }
    }

    private func deliver(
        _ body: [UInt8], to subscription: NotificationSubscription, accepts: @Sendable (Int, [UInt8]) -> Bool
    ) async -> NotificationDelivery {
        var attempts = 0
        var lastStatus: Int?
        while attempts <= maxRetries {
            if attempts > 0 { try? await Task.sleep(for: retryDelay) }
            attempts += 1
            guard let sender else { break }
            if let answer = try? await sender.post(url: subscription.url, body: body) {
                lastStatus = answer.status
                if accepts(answer.status, answer.body) {
                    return NotificationDelivery(
                        subscription: subscription, body: String(decoding: body, as: UTF8.self), attempts: attempts,
                        delivered: true, lastStatus: lastStatus)
                }
            }
        }
        return NotificationDelivery(
            subscription: subscription, body: String(decoding: body, as: UTF8.self), attempts: attempts,
            delivered: false, lastStatus: lastStatus)
    }
}
