import Foundation
import Hummingbird

/// The admin endpoints every simulator shares: fault switches, the clock, notification subscriptions.
///
/// - `POST /_admin/fault` `{"fault": "busy"|"rate-limited"|"slow"|"hang"|"reset"|"proxy-502"|"proxy-503"|"garbage"|
///   "oversized"|"none", "times": 1, "milliseconds": 500, "retryAfter": 2, "bytes": 10485760}`
/// - `POST /_admin/clock` `{"now": "2020-03-02 08:13:20"}` (local time; `null` follows the system clock),
///   `{"advanceSeconds": 400}`
/// - `POST /_admin/subscriptions` `{"url": "https://127.0.0.1:8443/…", "region": "310000"}`, `GET` lists them
/// - `GET /_admin/notifications`: every delivery so far
enum AdminRoutes {
    struct FaultRequest: Decodable {
        var fault: String
        var times: Int?
        var milliseconds: Int?
        var retryAfter: Int?
        var bytes: Int?
    }

    struct ClockRequest: Decodable {
        var now: String?
        var advanceSeconds: Double?
    }

    /// Parses an admin fault request into a fault (`nil` fault: clear).
    static func fault(from request: FaultRequest) -> Result<Fault?, SimulatorError> {
        switch request.fault {
        case "none", "clear": return .success(nil)
        case "busy": return .success(.busy)
        case "rate-limited": return .success(.rateLimited(retryAfterSeconds: request.retryAfter ?? 1))
        case "slow": return .success(.slow(milliseconds: request.milliseconds ?? 1000))
        case "hang": return .success(.hang)
        case "reset": return .success(.reset)
        case "proxy-502": return .success(.proxyError(status: 502))
        case "proxy-503": return .success(.proxyError(status: 503))
        case "garbage": return .success(.garbage)
        case "oversized": return .success(.oversized(bytes: request.bytes ?? 10 * 1024 * 1024))
        default: return .failure(SimulatorError(.invalidStatus, "unknown fault"))
        }
    }

    /// A fault as admin JSON.
    static func json(_ rule: FaultRule?) -> JSONValue {
        guard let rule else { return .object([("fault", .string("none"))]) }
        var members: [(String, JSONValue)]
        switch rule.fault {
        case .busy: members = [("fault", .string("busy"))]
        case .rateLimited(let seconds): members = [("fault", .string("rate-limited")), ("retryAfter", .int(Int64(seconds)))]
        case .slow(let ms): members = [("fault", .string("slow")), ("milliseconds", .int(Int64(ms)))]
        case .hang: members = [("fault", .string("hang"))]
        case .reset: members = [("fault", .string("reset"))]
        case .proxyError(let status): members = [("fault", .string("proxy-\(status)"))]
        case .garbage: members = [("fault", .string("garbage"))]
        case .oversized(let bytes): members = [("fault", .string("oversized")), ("bytes", .int(Int64(bytes)))]
        }
        members.append(("times", rule.remaining.map { .int(Int64($0)) } ?? .null))
        return .object(members)
    }

    static func json(_ delivery: NotificationDelivery) -> JSONValue {
        .object([
            ("url", .string(delivery.subscription.url.absoluteString)),
            ("region", .string(delivery.subscription.region)),
            ("body", .string(delivery.body)),
            ("attempts", .int(Int64(delivery.attempts))),
            ("delivered", .bool(delivery.delivered)),
            ("lastStatus", delivery.lastStatus.map { .int(Int64($0)) } ?? .null),
        ])
    }

    /// Adds the shared admin routes for `city` (and its notifier, when it sends notifications).
    static func add(to router: Router<SimulatorRequestContext>, city: any SimulatedCity, notifier: Notifier?) {
        let faults = city.faults
        let clock = city.clock
        router.get("/_admin/fault") { _, _ in SimulatorResponses.json(json(faults.current)) }
        router.post("/_admin/fault") { request, _ in
            guard let body = JSONDecoder.decodeIfPossible(FaultRequest.self, from: await SimulatorResponses.body(of: request))
            else { return SimulatorResponses.adminError("bad-request", "expected {\"fault\": …}") }
            switch fault(from: body) {
            case .failure(let error): return SimulatorResponses.adminError(error.code.rawValue, error.reason)
            case .success(nil): faults.clear()
            case .success(let fault?): faults.set(fault, times: body.times)
            }
            return SimulatorResponses.json(json(faults.current))
        }
        router.post("/_admin/clock") { request, _ in
            guard let body = JSONDecoder.decodeIfPossible(ClockRequest.self, from: await SimulatorResponses.body(of: request))
            else { return SimulatorResponses.adminError("bad-request", "expected {\"now\": …} or {\"advanceSeconds\": …}") }
            if let seconds = body.advanceSeconds {
                clock.advance(by: seconds)
            } else if let now = body.now {
                guard let date = LocalTime.parseDashed(now) else {
                    return SimulatorResponses.adminError("bad-request", "now is local yyyy-MM-dd HH:mm:ss")
                }
                clock.set(date)
            } else {
                clock.set(nil)
            }
            return SimulatorResponses.json(.object([("now", .string(LocalTime.dashed(clock.now())))]))
        }
        guard let notifier else { return }
        router.get("/_admin/subscriptions") { _, _ in
            SimulatorResponses.json(
                .array(
                    notifier.subscriptions.map {
                        .object([("url", .string($0.url.absoluteString)), ("region", .string($0.region))])
                    }))
        }
        router.post("/_admin/subscriptions") { request, _ in
            guard
                let body = JSONDecoder.decodeIfPossible(
                    NotificationSubscription.self, from: await SimulatorResponses.body(of: request)),
                body.url.scheme == "https"
            else { return SimulatorResponses.adminError("bad-request", "expected {\"url\": \"https://…\", \"region\": …}") }
            notifier.subscribe(body)
            return SimulatorResponses.json(
                .object([("url", .string(body.url.absoluteString)), ("region", .string(body.region))]), status: .created)
        }
        router.get("/_admin/notifications") { _, _ in
            SimulatorResponses.json(
                .object([
                    ("pending", .int(Int64(notifier.pending))),
                    ("deliveries", .array(notifier.deliveries.map(json))),
                ]))
        }
    }
}
