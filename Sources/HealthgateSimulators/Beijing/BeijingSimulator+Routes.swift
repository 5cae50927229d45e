import Foundation
import Hummingbird
import Synchronization

extension BeijingSimulator {
    static let messages: [Int: String] = [
        0: "成功", 1001: "卡号不存在", 1002: "二维码已过期", 1003: "调用方未授权", 1004: "身份证号码无效", 2001: "系统繁忙",
        9001: "请求报文格式错误",
    ]

    /// An answer document: `<root><ReturnCode/><ReturnMessage/>[<Result/>]</root>` in HTTP 200.
    static func answer(_ root: String, code: Int, result: [BeijingXML.Node]? = nil, charset: BeijingXML.Charset = .utf8)
        -> Response
    {
        var children: [BeijingXML.Node] = [.text("ReturnCode", String(code)), .text("ReturnMessage", messages[code] ?? "系统错误")]
        if let result { children.append(.element("Result", result)) }
        return SimulatorResponses.bytes(
            BeijingXML.document(.element(root, children), charset: charset), contentType: charset.contentType)
    }

    public func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.add(
            middleware: FaultMiddleware(
                faults: faults, busy: { Self.answer("HealthStatusQueryResponse", code: 2001) }, rateLimited: nil))
        router.post("/jxxz/ws/HealthStatusQuery") { request, context in
            await self.query(request, context)
        }
        router.post("/jxxz/ws/ArrivalRegister") { request, context in
            await self.register(request, context)
        }
        addAdminRoutes(to: router)
        addAdminEncodingRoute(router)
        return router
    }

    /// The character set for an answer about `holder` (or about nobody).
    func charset(for holder: BeijingHolder?) -> BeijingXML.Charset {
        switch encoding {
        case .utf8: return .utf8
        case .gb18030: return .gb18030
        case .perHolder: return holder?.olderNode == true ? .gb18030 : .utf8
        }
    }

    func query(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        let root = "HealthStatusQueryResponse"
        let global = charset(for: nil)
        guard let bytes = await SimulatorResponses.body(of: request), let document = BeijingXML.parseFlat(bytes),
            document.root == "HealthStatusQueryRequest",
            let requestID = document.fields["RequestId"], !requestID.isEmpty,
            let callerRegion = document.fields["CallerRegion"], let qr = document.fields["QrContent"]
        else { return Self.answer(root, code: 9001, charset: global) }
        let purpose = document.fields["Purpose"] ?? "checkpoint"
        guard ["checkpoint", "transfer"].contains(purpose) else { return Self.answer(root, code: 9001, charset: global) }
        guard let region = await context.caller()?.gatewayRegion, region == callerRegion else {
            return Self.answer(root, code: 1003, charset: global)
        }
        let parts = qr.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "BJJXXZ", parts[1].count == 20, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let generated = LocalTime.parseCompact(parts[2])
        else { return Self.answer(root, code: 1001, charset: global) }
        let (holder, known) = store.withLock { store in
            (store.holders.first { $0.cardId == parts[1] }, store.knownCodes.contains(qr))
        }
        guard let holder, known || check(card: parts[1], generated: parts[2]) == parts[3] else {
            return Self.answer(root, code: 1001, charset: global)
        }
        let age = clock.now().timeIntervalSince(generated)
        guard age <= Self.codeLifetime, age >= -Self.futureSkew else {
            return Self.answer(root, code: 1002, charset: charset(for: holder))
        }
        var result: [BeijingXML.Node] = [
            .text("CardId", holder.cardId),
            .text("Status", holder.status),
            .text("HolderName", holder.maskedName),
            .text("StatusTime", LocalTime.compact(holder.statusTime)),
        ]
        if let end = holder.observationEnd { result.append(.text("ObservationEnd", end)) }
        if let popup = holder.popup { result.append(.text("Popup", String(popup))) }
        if let explanation = holder.explanation { result.append(.text("Explanation", explanation)) }
        if purpose == "transfer" {
            result.append(.text("IdDigest", Digest.identity(idNumber: holder.idNumber, reference: holder.cardId)))
        }
        // Elements come in any order, and unknown ones appear.
        result.append(.text("District", "朝阳区"))
        let turn = store.withLock { store -> Int in
            store.answers += 1
            return store.answers
        }
        let shift = turn % result.count
        result = Array(result[shift...] + result[..<shift])
        return Self.answer(root, code: 0, result: result, charset: charset(for: holder))
    }

    func register(_ request: Request, _ context: SimulatorRequestContext) async -> Response {
        let root = "ArrivalRegisterResponse"
        let charset = charset(for: nil)
        guard let bytes = await SimulatorResponses.body(of: request), let document = BeijingXML.parseFlat(bytes),
            document.root == "ArrivalRegisterRequest",
            let requestID = document.fields["RequestId"], !requestID.isEmpty
        else { return Self.answer(root, code: 9001, charset: charset) }
        guard await context.caller()?.gatewayRegion != nil else { return Self.answer(root, code: 1003, charset: charset) }
        // A repeated RequestId returns the first successful answer.
        if let first = store.withLock({ $0.arrivals[requestID] }) {
            return Self.answer(root, code: 0, result: first, charset: charset)
        }
        let f = document.fields
        guard let idNumber = f["IdNumber"], ResidentIDGenerator.isValid(idNumber) else {
            return Self.answer(root, code: 1004, charset: charset)
        }
        guard let name = f["Name"], !name.isEmpty,
            let from = f["FromRegion"], from.count == 6, from.allSatisfy({ $0.isASCII && $0.isNumber }),
            let color = f["FromColor"], ["GREEN", "YELLOW", "RED"].contains(color),
            let arrival = f["ArrivalTime"].flatMap(LocalTime.parseCompact)
        else { return Self.answer(root, code: 9001, charset: charset) }
        var popup: Int?
        if let text = f["FromPopup"] {
            guard let value = Int(text), (0...5).contains(value) else { return Self.answer(root, code: 9001, charset: charset) }
            popup = value == 0 ? nil : value
        }
        var originEnd: Date?
        if let text = f["FromObservationEnd"], !text.isEmpty {
            guard let date = LocalTime.parseCompactDate(text) else { return Self.answer(root, code: 9001, charset: charset) }
            originEnd = date
        }
        // Beijing alone decides: the origin's colour, observation at least 14 days from arrival.
        let decided = arrivalPolicy == .lenient ? "GREEN" : color
        let word = ["GREEN": BeijingPopulation.green, "YELLOW": BeijingPopulation.home, "RED": BeijingPopulation.central][decided]!
        var end: String?
        if decided != "GREEN" {
            let minimum = LocalTime.startOfDay(arrival, plusDays: 14)
            end = LocalTime.compactDate(max(minimum, originEnd ?? minimum))
        }
        let now = clock.now()
        let result: [BeijingXML.Node] = store.withLock { store in
            if let first = store.arrivals[requestID] { return first }
            let upper = idNumber.uppercased()
            let index: Int
            if let existing = store.holders.firstIndex(where: { $0.idNumber == upper }) {
                index = existing
            } else {
                store.arrivalCount += 1
                let serial = String(store.arrivalCount)
                let card = "110105" + LocalTime.compactDate(now) + String(repeating: "0", count: 6 - serial.count) + serial
                store.holders.append(
                    BeijingHolder(
                        handle: "arrival-\(store.arrivalCount)", cardId: card, idNumber: upper,
                        maskedName: String(name.prefix(1)) + "*", status: BeijingPopulation.noRecord, statusTime: now,
                        observationEnd: nil, popup: nil, explanation: nil, olderNode: false))
                index = store.holders.count - 1
            }
            store.holders[index].status = word
            store.holders[index].popup = decided == "GREEN" ? nil : popup
            store.holders[index].observationEnd = end
            store.holders[index].explanation = nil
            store.holders[index].statusTime = now
            var result: [BeijingXML.Node] = [.text("CardId", store.holders[index].cardId), .text("Status", word)]
            if let end { result.append(.text("ObservationEnd", end)) }
            store.arrivals[requestID] = result
            return result
        }
        return Self.answer(root, code: 0, result: result, charset: charset)
    }

    /// The admin view of a holder.
    static func adminJSON(_ holder: BeijingHolder) -> JSONValue {
        .object([
            ("handle", .string(holder.handle)),
            ("cardId", .string(holder.cardId)),
            ("status", .string(holder.status)),
            ("reasons", .array(holder.popup.map { [.string(String($0))] } ?? [])),
            ("observationEnd", .optional(holder.observationEnd)),
            ("statusTime", .string(LocalTime.compact(holder.statusTime))),
            ("maskedName", .string(holder.maskedName)),
            ("olderNode", .bool(holder.olderNode)),
            ("idNumber", .string(holder.idNumber)),
        ])
    }

    struct EncodingRequest: Decodable {
        var encoding: String
    }

    /// `POST /_admin/encoding` `{"encoding": "perHolder"|"utf8"|"gb18030"}`: the character set of the answers.
    func addAdminEncodingRoute(_ router: Router<SimulatorRequestContext>) {
        router.post("/_admin/encoding") { request, _ in
            guard let body = JSONDecoder.decodeIfPossible(EncodingRequest.self, from: await SimulatorResponses.body(of: request)),
                let encoding = Encoding(rawValue: body.encoding)
            else { return SimulatorResponses.adminError("bad-request", "expected {\"encoding\": \"perHolder\"|\"utf8\"|\"gb18030\"}") }
            self.encoding = encoding
            return SimulatorResponses.json(.object([("encoding", .string(encoding.rawValue))]))
        }
    }
}

extension BeijingSimulator: AdminHolderRoutes {
    func adminIssueCode(for key: String) throws(SimulatorError) -> String {
        try issueCode(for: key)
    }

    /// Beijing's reason is a pop-up category 1–5.
    func adminUpdateStatus(_ key: String, _ request: AdminStatusRequest) throws(SimulatorError) -> BeijingHolder {
        var popup: Int?
        if let reason = request.allReasons?.first {
            guard let value = Int(reason) else {
                throw SimulatorError(.invalidStatus, "a Beijing reason is a pop-up category 1–5")
            }
            popup = value
        }
        return try setStatus(key, status: request.status, popup: popup, observationEnd: request.observationEnd)
    }

    /// Beijing notifies nobody.
    var adminNotifier: Notifier? { nil }

    func adminNotify(_ holder: BeijingHolder) async -> [NotificationDelivery] { [] }
}
