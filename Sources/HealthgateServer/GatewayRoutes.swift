import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import Hummingbird

/// The mutual-TLS routes: checkpoint verify, the peer endpoints of `federation.md`, and the cities' native
/// notification endpoints. Authentication, errors and the audit are the router's middlewares'; each route's roles are
/// declared here (`RouteAccess`).
public struct GatewayRoutes: Sendable {
    let configuration: ConfigStore
    let adapters: AdapterRegistry
    let verification: VerificationService
    let invalidation: InvalidationService
    /// Dates the age of a stale or signature-only answer in its explanation.
    let clock: any WallClock
    /// Explanations already built for live and cached results.
    let explanations = ExplanationMemo()

    public init(configuration: ConfigStore, adapters: AdapterRegistry, verification: VerificationService,
                invalidation: InvalidationService, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.adapters = adapters
        self.verification = verification
        self.invalidation = invalidation
        self.clock = clock
    }

    /// Adds the routes to `router`, each with who may call it (`RouteAccess`) and its body deadline.
    public func register(on router: Router<GatewayRequestContext>) {
        let body = BodyDeadline(configuration: configuration)
        router.group().add(middleware: RouteAccess("POST /v1/verify", roles: [.checkpoint])).add(middleware: body)
            .post("/v1/verify") { request, context in try await verify(request, context: context) }
        router.group().add(middleware: RouteAccess("POST /federation/v1/verify", roles: [.peerGateway]))
            .add(middleware: body)
            .post("/federation/v1/verify") { request, context in try await peerVerify(request, context: context) }
        router.group().add(middleware: RouteAccess("POST /federation/v1/status-events", roles: [.peerGateway]))
            .add(middleware: body)
            .post("/federation/v1/status-events") { request, context in try await statusEvent(request, context: context) }
        router.group().add(middleware: RouteAccess.notifications(configuration: configuration, adapters: adapters))
            .add(middleware: body)
            .post("/notifications/:city") { request, context in try await notification(request, context: context) }
    }

    // MARK: Bodies

    struct VerifyBody: Decodable {
        var qr: String
        var scene: String
    }

    struct PeerVerifyBody: Decodable {
        var qr: String
        var purpose: String?
        var callerRegion: String?
    }

    struct StatusEventBody: Decodable {
        var issuer: String
        var holderRef: String
        var status: String?
        var at: String?
    }

    /// The explanation of `result` in `language`, naming the issuing city as configured.
    func explain(_ result: VerificationResult, language: ExplanationLanguage, config: GatewayConfiguration) -> Explanation {
        explanations.explanation(of: result, issuer: config.issuingCity(result.issuer), language: language, now: clock.now())
    }

    /// The body, at most the configured limit (`payload-too-large` beyond it).
    func body(_ request: Request, limit: Int) async throws(HealthgateError) -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HealthgateError(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw HealthgateError(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async throws(HealthgateError) -> T {
        let bytes = try await body(request, limit: limit)
        return try decode(T.self, bytes)
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws(HealthgateError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw .badRequest("the body is not the JSON this endpoint expects")
        }
    }

    /// A verify answer, written by `JSONWriter` (the request path's encoder).
    func answer(_ value: VerifyAnswer, language: ExplanationLanguage) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.cacheControl] = "no-store"
        AcceptLanguage.mark(&headers, language)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.jsonBytes())))
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, language: ExplanationLanguage? = nil)
        throws(HealthgateError) -> Response {
        let data: Data
        do { data = try JSONEncoder.sorted.encode(value) } catch {
            throw HealthgateError(.internalError, "the answer could not be encoded")
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.cacheControl] = "no-store"
        if let language { AcceptLanguage.mark(&headers, language) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Handlers

    /// `POST /v1/verify` `{"qr","scene"}`: the canonical result plus `explanation` (in the `Accept-Language` the
    /// checkpoint asks for, `zh-CN` by default) and `local`, the home city's rendering.
    func verify(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        let config = configuration.current
        let language = AcceptLanguage.negotiate(request.headers[.acceptLanguage])
        let bytes = try await body(request, limit: config.listen.bodyLimitBytes)
        let body: VerifyBody
        if let flat = FlatJSONStrings.parse(bytes), let qr = flat["qr"], let scene = flat["scene"] {
            body = VerifyBody(qr: qr, scene: scene)  // the usual body, read without JSONDecoder
        } else {
            body = try decode(VerifyBody.self, bytes)
        }
        guard let scene = Scene(rawValue: body.scene) else {
            throw .badRequest("scene must be one of \(Scene.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let result = try await verification.verify(body.qr, purpose: .checkpoint(scene), trace: context.trace,
                                                   deadline: context.deadline)
        let local = adapters.adapter(for: config.home)?.render(result)
        return answer(VerifyAnswer(result: result, explanation: explain(result, language: language, config: config),
                                     local: local), language: language)
    }

    /// `POST /federation/v1/verify`: a peer asks about a code this gateway's home city issued; the answer carries an
    /// `explanation` in the language the peer accepts (`zh-CN` by default).
    func peerVerify(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        let config = configuration.current
        let language = AcceptLanguage.negotiate(request.headers[.acceptLanguage])
        let body = try await decode(PeerVerifyBody.self, request, limit: config.listen.bodyLimitBytes)
        let purpose: VerificationPurpose
        switch body.purpose ?? "checkpoint" {
        case "checkpoint": purpose = .checkpoint(.other)
        case "transfer": purpose = .transfer
        default: throw .badRequest("purpose must be checkpoint or transfer")
        }
        if let region = body.callerRegion, RegionCode(rawValue: region) == nil {
            throw .badRequest("callerRegion is not a region code")
        }
        context.trace.update { $0.purpose = purpose.description }
        let (code, adapter) = try await verification.recognise(body.qr)
        context.trace.update { $0.issuer = code.issuer }
        guard code.issuer == config.home else {
            throw HealthgateError(.unknownIssuer, "this gateway answers only for codes its home city issued")
        }
        let result: VerificationResult
        var idDigest: String?
        if purpose == .transfer {
            let live = try await verification.verifyLive(code: code, adapter: adapter, purpose: purpose,
                                                         trace: context.trace, deadline: context.deadline)
            result = live.result
            idDigest = live.idDigest  // the asking gateway's identity check (FederationAdapter reads it)
        } else {
            result = try await verification.verify(body.qr, purpose: purpose, trace: context.trace,
                                                   deadline: context.deadline)
        }
        context.trace.update {
            $0.holder = result.holder
            $0.status = result.status
            $0.freshness = result.freshness
            $0.admits = result.admits
        }
        // The code's own validity when only the issuer's answer told it (Hangzhou-style codes), so that the asking
        // gateway may cache the answer no longer than the code lives (`FederationAdapter` reads it).
        let codeValidUntil = result.freshness == .live ? context.trace.snapshot.codeValidUntil : nil
        return answer(VerifyAnswer(result: result, explanation: explain(result, language: language, config: config),
                                   idDigest: idDigest, codeValidUntil: codeValidUntil), language: language)
    }

    /// `POST /federation/v1/status-events`: drops the holder's cached entries, 204; 403 `forbidden` when the event's
    /// issuer is not the calling peer's own home city.
    func statusEvent(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        let config = configuration.current
        let body = try await decode(StatusEventBody.self, request, limit: config.listen.bodyLimitBytes)
        guard let issuer = RegionCode(rawValue: body.issuer) else { throw .badRequest("issuer is not a region code") }
        // A peer speaks only for its own home city (federation.md): the `gateway-<region>` of its certificate.
        guard context.caller?.commonName == "gateway-\(issuer.rawValue)" else {
            throw HealthgateError(.forbidden, "a peer gateway may announce status events only for its own home city")
        }
        guard !body.holderRef.isEmpty, body.holderRef.utf8.count <= 128 else { throw .badRequest("holderRef is empty or too long") }
        let status = try body.status.map { word throws(HealthgateError) in
            guard let status = HealthStatus(rawValue: word) else { throw .badRequest("status is not a canonical status") }
            return status
        }
        let at = try body.at.map { text throws(HealthgateError) in
            guard let date = ChinaTime.parseISO(text) else { throw .badRequest("at is not ISO 8601") }
            return date
        }
        context.trace.update {
            $0.purpose = "status-event"
            $0.issuer = issuer
            $0.holder = config.pseudonymKey.pseudonym(issuer: issuer, holderRef: body.holderRef)
            $0.status = status
        }
        try await invalidation.apply(HolderChangedEvent(issuer: issuer, holderRef: body.holderRef, status: status, at: at),
                                     source: "peer")
        return Response(status: .noContent)
    }

    /// `POST /notifications/<city>`: the city's native colour-change notification, answered as the city expects.
    func notification(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        let config = configuration.current
        guard let name = context.parameters.get("city"), let city = config.city(named: name),
              let adapter = adapters.adapter(for: city.region)
        else { throw HealthgateError(.notFound, "no such endpoint") }
        let bytes = try await body(request, limit: config.listen.bodyLimitBytes)
        let event = try adapter.parseNotification(bytes)
        guard event.issuer == city.region else { throw .badRequest("the notification names another issuer") }
        context.trace.update {
            $0.purpose = "notification"
            $0.issuer = event.issuer
            $0.holder = config.pseudonymKey.pseudonym(issuer: event.issuer, holderRef: event.holderRef)
            $0.status = event.status
        }
        try await invalidation.apply(event, source: city.name)
        let ack = adapter.notificationAcknowledgement
        var headers = HTTPFields()
        if let contentType = ack.header("Content-Type") { headers[.contentType] = contentType }
        return Response(status: .init(code: ack.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: ack.body)))
    }
}
