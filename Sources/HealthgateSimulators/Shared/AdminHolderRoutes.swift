import Foundation
import Hummingbird

/// A simulated city whose holders the admin endpoints list, show, issue codes for and change.
///
/// `addAdminRoutes(to:)` registers the shared endpoints (`AdminRoutes`) and the holder endpoints:
/// - `GET /_admin/holders`, `GET /_admin/holders/{ref}`: the admin view of every holder, of one holder
/// - `POST /_admin/holders/{ref}/code`: a currently valid QR content, `{"qr": …, "holder": …}`
/// - `POST /_admin/holders/{ref}/status` (`AdminStatusRequest`): `{"holder": …, "notifications": […]}`
protocol AdminHolderRoutes: SimulatedCity {
    /// The city's holder record.
    associatedtype Holder: Sendable

    /// Every holder, seeded and arrived.
    var holders: [Holder] { get }
    /// The holder with this handle or one of the city's references.
    func holder(_ key: String) -> Holder?
    /// The admin view of a holder.
    static func adminJSON(_ holder: Holder) -> JSONValue
    /// Issues a currently valid QR content for a holder.
    func adminIssueCode(for key: String) throws(SimulatorError) -> String
    /// Changes a holder's status as the admin request asks, without notifying anyone.
    func adminUpdateStatus(_ key: String, _ request: AdminStatusRequest) throws(SimulatorError) -> Holder
    /// The notifier behind the subscription endpoints, `nil` when the city sends no notifications.
    var adminNotifier: Notifier? { get }
    /// Tells every subscriber that `holder` changed; returns when delivery is finished.
    func adminNotify(_ holder: Holder) async -> [NotificationDelivery]
}

extension AdminHolderRoutes {
    /// Adds the shared admin routes and the holder admin routes to `router`.
    func addAdminRoutes(to router: Router<SimulatorRequestContext>) {
        AdminRoutes.add(to: router, city: self, notifier: adminNotifier)
        router.get("/_admin/holders") { _, _ in
            SimulatorResponses.json(.array(self.holders.map(Self.adminJSON)))
        }
        router.get("/_admin/holders/:ref") { _, context in
            guard let holder = self.holder(context.parameters.get("ref") ?? "") else {
                return SimulatorResponses.adminError("simulator-unknown-holder", "no such holder", status: .notFound)
            }
            return SimulatorResponses.json(Self.adminJSON(holder))
        }
        router.post("/_admin/holders/:ref/code") { _, context in
            let key = context.parameters.get("ref") ?? ""
            guard let qr = try? self.adminIssueCode(for: key), let holder = self.holder(key) else {
                return SimulatorResponses.adminError("simulator-unknown-holder", "no such holder", status: .notFound)
            }
            return SimulatorResponses.json(.object([("qr", .string(qr)), ("holder", Self.adminJSON(holder))]))
        }
        router.post("/_admin/holders/:ref/status") { request, context in
            let key = context.parameters.get("ref") ?? ""
            guard
                let body = JSONDecoder.decodeIfPossible(
                    AdminStatusRequest.self, from: await SimulatorResponses.body(of: request))
            else { return SimulatorResponses.adminError("bad-request", "expected {\"status\": …}") }
            let holder: Holder
            do throws(SimulatorError) {
                holder = try self.adminUpdateStatus(key, body)
            } catch {
                return SimulatorResponses.adminError(
                    error.code.rawValue, error.reason, status: error.code == .unknownHolder ? .notFound : .badRequest)
            }
            if self.adminNotifier != nil {
                if body.wait == true {
                    let deliveries = await self.adminNotify(holder)
                    return SimulatorResponses.json(
                        .object([("holder", Self.adminJSON(holder)), ("notifications", .array(deliveries.map(AdminRoutes.json)))]))
                }
                Task { await self.adminNotify(holder) }
            }
            return SimulatorResponses.json(.object([("holder", Self.adminJSON(holder)), ("notifications", .array([]))]))
        }
    }
}
