import Foundation
import HealthgateConfig
import HealthgateCore
import HealthgateModel
import HealthgateStorage
import Hummingbird

/// `POST /v1/transfers` and `GET /v1/transfers/{requestId}`, for the home city's app backends (role
/// `transfer-agent`): take a traveller's status from another city into the home city (`federation.md`, "Transfers"),
/// and read back what was recorded and what the traveller is told. Authentication, errors as
/// problem+json and the one audit record are the router's middlewares', the role check `RouteAccess`'s; the flow is
/// `TransferService`'s.
public struct TransferRoutes: Sendable {
    /// The longest name accepted, in characters.
    static let maxNameLength = 64

    let configuration: ConfigStore
    let transfers: TransferService
    /// Decides whether a date in an explanation needs its year.
    let clock: any WallClock

    public init(configuration: ConfigStore, transfers: TransferService, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.transfers = transfers
        self.clock = clock
    }

    /// Adds the routes to `router`, for the `transfer-agent` role (`RouteAccess`), with their body deadline.
    public func register(on router: Router<GatewayRequestContext>) {
        let body = BodyDeadline(configuration: configuration)
        router.group().add(middleware: RouteAccess("POST /v1/transfers", roles: [.transferAgent])).add(middleware: body)
            .post("/v1/transfers") { request, context in try await transfer(request, context: context) }
        router.group().add(middleware: RouteAccess("GET /v1/transfers/{requestId}", roles: [.transferAgent]))
            .add(middleware: body)
            .get("/v1/transfers/:requestId") { request, context in try await recorded(request, context: context) }
    }

    /// The body: the origin city's QR content, the traveller's ID number and full name, and the idempotency key.
    struct Body: Decodable {
        var qr: String
        var idNumber: String
        var name: String
        var requestId: String?
    }

    /// `POST /v1/transfers` `{"qr","idNumber","name","requestId"}`: the home city's status for the traveller, with
    /// the origin's live result, the home city's own words and an explanation in the `Accept-Language` asked for.
    func transfer(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        context.trace.update { $0.purpose = VerificationPurpose.transfer.description }
        let config = configuration.current
        let language = AcceptLanguage.negotiate(request.headers[.acceptLanguage])
        let body = try await decode(request, limit: config.listen.bodyLimitBytes)
        let transfer = try Self.transferRequest(body, header: request.headers[.init("X-Request-Id")!])
        let reply = try await transfers.transfer(transfer, language: language, trace: context.trace,
                                                 deadline: context.deadline)
        return Self.json(reply.body, language: language)
    }

    /// `GET /v1/transfers/{requestId}`: the recorded transfer (`TransferRecordAnswer`), explained in the
    /// `Accept-Language` asked for; 404 `transfer-not-found` when none is recorded under the id.
    func recorded(_ request: Request, context: GatewayRequestContext) async throws(HealthgateError) -> Response {
        context.trace.update { $0.purpose = VerificationPurpose.transfer.description }
        let language = AcceptLanguage.negotiate(request.headers[.acceptLanguage])
        guard let text = context.parameters.get("requestId"), let requestID = UUID(uuidString: text) else {
            throw .badRequest("the request id is not a UUID")
        }
        guard let stored = try await transfers.recorded(requestID) else {
            throw HealthgateError(.transferNotFound, "no transfer is recorded under this request id")
        }
        context.trace.update {
            $0.issuer = stored.originIssuer
            $0.holder = stored.originHolder
        }
        let answer = TransferRecordAnswer(stored, configuration: configuration.current, language: language,
                                          now: clock.now())
        return Self.json(try answer.body, language: language)
    }

    /// Checks the body's fields; no error detail repeats a value.
    static func transferRequest(_ body: Body, header: String?) throws(HealthgateError) -> TransferRequest {
        let idText: String
        switch (body.requestId, header) {
        case (let fromBody?, let fromHeader?):
            guard fromBody.lowercased() == fromHeader.lowercased() else {
                throw .badRequest("requestId and the X-Request-Id header differ")
            }
            idText = fromBody
        case (let fromBody?, nil): idText = fromBody
        case (nil, let fromHeader?): idText = fromHeader
        case (nil, nil): throw .badRequest("a transfer needs a requestId (a UUID), its idempotency key")
        }
        guard let requestID = UUID(uuidString: idText) else { throw .badRequest("requestId is not a UUID") }
        guard !body.qr.isEmpty else { throw .badRequest("qr is empty") }
        let id = try ResidentID(validating: body.idNumber)
        let name = body.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= maxNameLength,
              !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else { throw .badRequest("name must be 1 to \(maxNameLength) characters without control characters") }
        return TransferRequest(requestID: requestID, qr: body.qr, idNumber: id, name: name)
    }

    /// The JSON body, at most `limit` bytes (`payload-too-large` beyond it).
    func decode(_ request: Request, limit: Int) async throws(HealthgateError) -> Body {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HealthgateError(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw HealthgateError(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(bytes))
        } catch {
            throw .badRequest("the body is not the JSON this endpoint expects: qr, idNumber, name and requestId")
        }
    }

    /// A JSON answer (already encoded), never cached, its explanation in `language`.
    static func json(_ body: [UInt8], language: ExplanationLanguage) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.cacheControl] = "no-store"
        AcceptLanguage.mark(&headers, language)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
