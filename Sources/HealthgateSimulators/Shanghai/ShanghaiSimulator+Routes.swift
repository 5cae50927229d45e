import Foundation
import Hummingbird
import Synchronization

extension ShanghaiSimulator {
    /// The envelope: `{"code": …, "msg": …, "data": …}` with a real HTTP status.
    static func envelope(
        _ status: HTTPResponse.Status, code: Int, msg: String, data: JSONValue? = nil, headers: HTTPFields = [:]
    ) -> Response {
        var members: [(String, JSONValue)] = [("code", .int(Int64(code))), ("msg", .string(msg))]
        if let data { members.append(("data", data)) }
        return SimulatorResponses.json(.object(members), status: status, headers: headers)
    }

    static func badRequest() -> Response { envelope(.badRequest, code: 40001, msg: "malformed request") }
    static func forbidden() -> Response { envelope(.forbidden, code: 40301, msg: "caller not allowed") }
    static func notFound() -> Response { envelope(.notFound, code: 40401, msg: "holder not found") }
    static func unavailable() -> Response { envelope(.serviceUnavailable, code: 50301, msg: "service unavailable") }
    static func rateLimited(_ seconds: Int) -> Response {
        var headers = HTTPFields()
        headers[.retryAfter] = String(seconds)
        return envelope(.tooManyRequests, code: 42901, msg: "rate limited", headers: headers)
    }

    public func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.add(
            middleware: FaultMiddleware(
                faults: faults, busy: { Self.unavailable() }, rateLimited: { Self.rateLimited($0) }))
        router.get("/sssm/v1/keys") { _, _ in
            SimulatorResponses.json(ShanghaiSigningKey.jwkSet(self.publishedKeys))
        }
        router.get("/sssm/v1/holders/:sid/status") { request, context in
            await self.status(request, context)
        }
        router.post("/sssm/v1/arrivals") { request, context in
            await self.arrive(request, context)
        }
        addAdminRoutes(to: router)
        return router
    }

    /// The caller check shared by the holder endpoints: headers present (400), `X-SSM-Caller` equal to the
    /// region of a gateway client certificate (403). Returns the error answer, or `nil` when allowed.
    func checkCaller(_ request: Request, _ context: SimulatorRequestContext) async -> Response? {
        guard let caller = SimulatorResponses.header(request, "X-SSM-Caller"), !caller.isEmpty,
            let requestID = SimulatorResponses.header(request, "X-SSM-Request-Id"), !requestID.isEmpty
        else { return Self.badRequest() }
        guard let region = await context.caller()?.gatewayRegion, region == caller else { return Self.forbidden() }
        return nil
    }

    func status(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        if let refusal = await checkCaller(request, context) { return refusal }
        let sid = context.parameters.get("sid") ?? ""
        guard sid.count == 16, sid.allSatisfy({ "0123456789abcdef".contains($0) }) else { return Self.badRequest() }
        guard let holder = store.withLock({ $0.holders.first { $0.sid == sid } }) else { return Self.notFound() }
        var data: [(String, JSONValue)] = [
            ("sid", .string(holder.sid)),
            ("healthStatus", .int(Int64(holder.healthStatus))),
            ("statusTime", .int(Self.millis(holder.statusTime))),
            ("maskedName", .string(holder.maskedName)),
            ("reasonCodes", .array(holder.reasonCodes.map(JSONValue.string))),
            ("observeEndTime", .optional(holder.observeEndTime.map(Self.millis))),
        ]
        if request.uri.queryParameters.get("purpose") == "transfer" {
            data.append(("idDigest", .string(Digest.identity(idNumber: holder.idNumber, reference: holder.sid))))
        }
        return Self.envelope(.ok, code: 0, msg: "success", data: .object(data))
    }

    func arrive(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        if let refusal = await checkCaller(request, context) { return refusal }
        guard let body = JSONDecoder.decodeIfPossible(ShanghaiArrivalRequest.self, from: await SimulatorResponses.body(of: request)),
            let requestID = body.requestId, !requestID.isEmpty
        else { return Self.badRequest() }
        store.withLock { $0.arrivalRequests[requestID, default: 0] += 1 }
        if let first = store.withLock({ $0.arrivals[requestID] }) {
            return first.request == body
                ? Self.envelope(.ok, code: 0, msg: "success", data: first.answer)
                : Self.envelope(.conflict, code: 40901, msg: "requestId reused with a different body")
        }
        guard let idNumber = body.idNumber, ResidentIDGenerator.isValid(idNumber),
            let name = body.name, !name.isEmpty,
            let from = body.fromRegion, from.count == 6, from.allSatisfy({ $0.isASCII && $0.isNumber }),
            let fromStatus = body.fromStatus, [0, 1, 2].contains(fromStatus),
            let arrivalMillis = body.arrivalTime, arrivalMillis > 0
        else { return Self.badRequest() }
        let arrival = Date(timeIntervalSince1970: TimeInterval(arrivalMillis) / 1000)
        // Shanghai alone decides: the origin's status, observation at least 7 (yellow) or 14 (red) days.
        let decided = arrivalPolicy == .lenient ? 0 : fromStatus
        var end: Date?
        if decided != 0 {
            let minimum = LocalTime.endOfDay(LocalTime.startOfDay(arrival, plusDays: decided == 2 ? 14 : 7))
            let origin = body.fromObserveEndTime.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
            end = max(minimum, origin ?? minimum)
        }
        let reasons = decided == 0 ? ["SH-CLEAR"] : (body.fromReasonCodes ?? []).filter { Self.reasonCodes.contains($0) }
        let now = clock.now()
        let (answer, created): (JSONValue, Bool) = store.withLock { store in
            if let first = store.arrivals[requestID] { return (first.answer, false) }
            let upper = idNumber.uppercased()
            let index: Int
            if let existing = store.holders.firstIndex(where: { $0.idNumber == upper }) {
                index = existing
            } else {
                store.arrivalCount += 1
                var random = SeededRandom(seed: "shanghai-arrival|" + requestID)
                var sid = random.hex(16)
                while store.holders.contains(where: { $0.sid == sid }) { sid = random.hex(16) }
                store.holders.append(
                    ShanghaiHolder(
                        handle: "arrival-\(store.arrivalCount)", sid: sid, idNumber: upper,
                        maskedName: String(name.prefix(1)) + "*", healthStatus: 9, statusTime: now, reasonCodes: [],
                        observeEndTime: nil))
                index = store.holders.count - 1
            }
            store.holders[index].healthStatus = decided
            store.holders[index].reasonCodes = reasons
            store.holders[index].observeEndTime = end
            store.holders[index].statusTime = now
            let answer = JSONValue.object([
                ("sid", .string(store.holders[index].sid)),
                ("healthStatus", .int(Int64(decided))),
                ("observeEndTime", .optional(end.map(Self.millis))),
            ])
            store.arrivals[requestID] = Arrival(request: body, answer: answer)
            return (answer, true)
        }
        return Self.envelope(created ? .created : .ok, code: 0, msg: "success", data: answer)
    }

    /// The admin view of a holder.
    static func adminJSON(_ holder: ShanghaiHolder) -> JSONValue {
        .object([
            ("handle", .string(holder.handle)),
            ("sid", .string(holder.sid)),
            ("status", .int(Int64(holder.healthStatus))),
            ("reasons", .array(holder.reasonCodes.map(JSONValue.string))),
            ("observationEnd", .optional(holder.observeEndTime.map(LocalTime.dashedDate))),
            ("statusTime", .string(LocalTime.dashed(holder.statusTime))),
            ("maskedName", .string(holder.maskedName)),
            ("idNumber", .string(holder.idNumber)),
        ])
    }
}

extension ShanghaiSimulator: AdminHolderRoutes {
    func adminIssueCode(for key: String) throws(SimulatorError) -> String {
        try issueCode(for: key)
    }

    func adminUpdateStatus(_ key: String, _ request: AdminStatusRequest) throws(SimulatorError) -> ShanghaiHolder {
        try updateStatus(key, status: request.status, reasonCodes: request.allReasons, observeEnd: request.observationEnd)
    }

    var adminNotifier: Notifier? { notifier }

    func adminNotify(_ holder: ShanghaiHolder) async -> [NotificationDelivery] {
        await notifyStatusChanged(holder)
    }
}
