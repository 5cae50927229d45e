import Foundation
import Hummingbird
import Synchronization

extension HangzhouSimulator {
    struct VerifyRequest: Decodable {
        var city_code: String?
        var code_content: String?
        var industry_type: String?
        var request_time: String?
    }

    struct TransferInRequest: Decodable {
        var request_id: String?
        var id_no: String?
        var user_name: String?
        var origin_city_code: String?
        var origin_color: String?
        var origin_reason: String?
        var origin_quarantine_until: String?
        var arrival_time: String?
    }

    struct RequestIDOnly: Decodable {
        var request_id: String?
    }

    static let industryTypes: Set<String> = ["transport", "retail", "office", "residential", "medical", "transfer", "other"]

    static let messages: [String: String] = [
        "SUCCESS": "成功", "CODE_EXPIRED": "二维码已过期", "CODE_NOT_FOUND": "二维码不存在", "INVALID_PARAM": "参数错误",
        "NO_PERMISSION": "无权限", "SYSTEM_BUSY": "系统繁忙",
    ]

    /// A business answer in HTTP 200: `result_code`, `result_msg`, and `data` on success.
    static func answer(_ code: String, data: JSONValue? = nil) -> Response {
        var members: [(String, JSONValue)] = [("result_code", .string(code)), ("result_msg", .string(messages[code] ?? code))]
        if let data { members.append(("data", data)) }
        return SimulatorResponses.json(.object(members))
    }

    public func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.add(
            middleware: FaultMiddleware(
                faults: faults, busy: { Self.answer("SYSTEM_BUSY") }, rateLimited: nil))
        router.post("/open/healthcode/v2/verify") { request, context in
            await self.verify(request, context)
        }
        router.post("/open/healthcode/v2/transfer_in") { request, context in
            await self.transferIn(request, context)
        }
        addAdminRoutes(to: router)
        return router
    }

    func verify(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        guard let requestID = SimulatorResponses.header(request, "X-HZ-Request-Id"), !requestID.isEmpty,
            let body = JSONDecoder.decodeIfPossible(VerifyRequest.self, from: await SimulatorResponses.body(of: request)),
            let cityCode = body.city_code, let content = body.code_content,
            let industry = body.industry_type, Self.industryTypes.contains(industry),
            let requestTime = body.request_time, LocalTime.parseDashed(requestTime) != nil
        else { return Self.answer("INVALID_PARAM") }
        guard let callerRegion = await context.caller()?.gatewayRegion, callerRegion == cityCode,
            !refusedIndustryTypes.contains(industry)
        else {
            return Self.answer("NO_PERMISSION")
        }
        guard let token = token(of: content) else { return Self.answer("INVALID_PARAM") }
        let now = clock.now()
        let found: (HangzhouHolder, Date)? = store.withLock { store in
            guard let issued = store.tokens[token],
                let holder = store.holders.first(where: { $0.baseRef == issued.baseRef })
            else { return nil }
            return (holder, issued.refreshTime)
        }
        guard let (holder, refreshTime) = found else { return Self.answer("CODE_NOT_FOUND") }
        guard now.timeIntervalSince(refreshTime) <= Self.tokenLifetime else { return Self.answer("CODE_EXPIRED") }
        var data: [(String, JSONValue)] = [
            ("code_color", .string(holder.color)),
            ("holder_ref", .string(holder.holderRef(forRegion: callerRegion))),
            ("user_name", .string(holder.maskedName)),
            ("id_no_masked", .string(holder.maskedIDNumber)),
            ("refresh_time", .string(LocalTime.dashed(refreshTime))),
            ("color_time", .string(LocalTime.dashed(holder.colorTime))),
            ("color_reason", .optional(holder.reason)),
            ("quarantine_until", .optional(holder.quarantineUntil)),
        ]
        if industry == "transfer" {
            data.append(("id_no_sha256", .string(Digest.identity(idNumber: holder.idNumber, reference: content))))
        }
        data.append(
            ("travel_history", .array(holder.travelHistory.map { .object([("city", .string($0.city)), ("date", .string($0.date))]) })))
        data.append(("trip_cities", .array(holder.tripCities.map(JSONValue.string))))
        // Hangzhou adds fields without notice.
        data.append(("app_channel", .string("alipay")))
        return Self.answer("SUCCESS", data: .object(data))
    }

    func transferIn(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        let bytes = await SimulatorResponses.body(of: request)
        guard let requestIDHeader = SimulatorResponses.header(request, "X-HZ-Request-Id"), !requestIDHeader.isEmpty,
            let idOnly = JSONDecoder.decodeIfPossible(RequestIDOnly.self, from: bytes),
            let requestID = idOnly.request_id, !requestID.isEmpty
        else { return Self.answer("INVALID_PARAM") }
        guard let callerRegion = await context.caller()?.gatewayRegion else { return Self.answer("NO_PERMISSION") }
        // A repeated request_id returns the first successful answer, whatever the body.
        if let first = store.withLock({ $0.transfers[requestID] }) {
            return Self.answer("SUCCESS", data: first)
        }
        guard let body = JSONDecoder.decodeIfPossible(TransferInRequest.self, from: bytes),
            let idNumber = body.id_no, ResidentIDGenerator.isValid(idNumber),
            let name = body.user_name, !name.isEmpty,
            let origin = body.origin_city_code, origin.count == 6, origin.allSatisfy({ $0.isASCII && $0.isNumber }),
            let color = body.origin_color, ["green", "yellow", "red"].contains(color),
            let reason = body.origin_reason, !reason.isEmpty,
            let arrivalText = body.arrival_time, let arrival = LocalTime.parseDashed(arrivalText)
        else { return Self.answer("INVALID_PARAM") }
        var originUntil: Date?
        if let text = body.origin_quarantine_until {
            guard let date = LocalTime.parseDashedDate(text) else { return Self.answer("INVALID_PARAM") }
            originUntil = date
        }
        // Hangzhou alone decides: the origin's colour, isolation at least 7 (yellow) or 14 (red) days from arrival.
        let decidedColor = arrivalPolicy == .lenient ? "green" : color
        var until: String?
        if decidedColor != "green" {
            let minimum = LocalTime.startOfDay(arrival, plusDays: decidedColor == "red" ? 14 : 7)
            until = LocalTime.dashedDate(max(minimum, originUntil ?? minimum))
        }
        let now = clock.now()
        let data: JSONValue = store.withLock { store in
            if let first = store.transfers[requestID] { return first }
            let upper = idNumber.uppercased()
            let index: Int
            if let existing = store.holders.firstIndex(where: { $0.idNumber == upper }) {
                index = existing
            } else {
                store.arrivals += 1
                var random = SeededRandom(seed: "hangzhou-arrival|" + requestID)
                store.holders.append(
                    HangzhouHolder(
                        handle: "arrival-\(store.arrivals)", baseRef: random.hex(32), idNumber: upper,
                        maskedName: String(name.prefix(1)) + "*", color: "init", reason: nil, colorTime: now,
                        quarantineUntil: nil, travelHistory: [], tripCities: ["杭州"]))
                index = store.holders.count - 1
            }
            store.holders[index].color = decidedColor
            store.holders[index].reason = decidedColor == "green" ? "R00" : reason
            store.holders[index].quarantineUntil = until
            store.holders[index].colorTime = now
            let answer = JSONValue.object([
                ("holder_ref", .string(store.holders[index].holderRef(forRegion: callerRegion))),
                ("code_color", .string(decidedColor)),
                ("quarantine_until", .optional(until)),
            ])
            store.transfers[requestID] = answer
            return answer
        }
        return Self.answer("SUCCESS", data: data)
    }

    /// The admin view of a holder.
    static func adminJSON(_ holder: HangzhouHolder) -> JSONValue {
        .object([
            ("handle", .string(holder.handle)),
            ("baseRef", .string(holder.baseRef)),
            ("holderRefs", .object(Self.knownRegions.map { ($0, .string(holder.holderRef(forRegion: $0))) })),
            ("status", .string(holder.color)),
            ("reasons", .array(holder.reason.map { [.string($0)] } ?? [])),
            ("observationEnd", .optional(holder.quarantineUntil)),
            ("statusTime", .string(LocalTime.dashed(holder.colorTime))),
            ("maskedName", .string(holder.maskedName)),
            ("idNumber", .string(holder.idNumber)),
        ])
    }
}

extension HangzhouSimulator: AdminHolderRoutes {
    func adminIssueCode(for key: String) throws(SimulatorError) -> String {
        try issueCode(for: key)
    }

    func adminUpdateStatus(_ key: String, _ request: AdminStatusRequest) throws(SimulatorError) -> HangzhouHolder {
        try updateStatus(key, color: request.status, reason: request.allReasons?.first, quarantineUntil: request.observationEnd)
    }

    var adminNotifier: Notifier? { notifier }

    func adminNotify(_ holder: HangzhouHolder) async -> [NotificationDelivery] {
        await notifyColorChanged(holder)
    }
}
