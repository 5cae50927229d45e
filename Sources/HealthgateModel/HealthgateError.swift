/// The one error type every layer of the gateway reports: a stable machine code, a human detail free of personal data,
/// and whether trying again may help.
///
/// The machine code becomes the `type` of an `application/problem+json` answer; the detail never names an ID number,
/// a name or a request body.
public struct HealthgateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine code (`code-malformed`, `issuer-unavailable`, …) with the HTTP status it maps to.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable word, stable across releases.
        public let rawValue: String
        /// The HTTP status a gateway answers with for this code.
        public let httpStatus: Int

        private init(_ rawValue: String, _ httpStatus: Int) {
            self.rawValue = rawValue
            self.httpStatus = httpStatus
        }

        public var description: String { rawValue }

        /// The QR content is not a well-formed code of the city it claims (or of any city).
        public static let codeMalformed = Code("code-malformed", 400)
        /// The code's signature does not verify, or names an unknown key.
        public static let codeForged = Code("code-forged", 422)
        /// The code is past its validity window.
        public static let codeExpired = Code("code-expired", 410)
        /// The issuer does not know this code or holder.
        public static let codeNotFound = Code("code-not-found", 404)
        /// No configured city issues codes of this shape.
        public static let unknownIssuer = Code("unknown-issuer", 400)
        /// The issuer could not be reached or is overloaded; trying again later may help.
        public static let issuerUnavailable = Code("issuer-unavailable", 503)
        /// The issuer answered with an error or with something the gateway cannot read.
        public static let issuerError = Code("issuer-error", 502)
        /// The issuer refused the gateway's own credentials or request.
        public static let issuerRefused = Code("issuer-refused", 502)
        /// A transfer's declared ID number does not match the code's holder.
        public static let identityMismatch = Code("identity-mismatch", 422)
        /// The request is not well formed (bad JSON, unknown scene, invalid ID number).
        public static let badRequest = Code("bad-request", 400)
        /// No verified client certificate.
        public static let unauthenticated = Code("unauthenticated", 401)
        /// The caller's certificate is valid but its role may not use this endpoint.
        public static let forbidden = Code("forbidden", 403)
        /// The request body is larger than the endpoint allows.
        public static let payloadTooLarge = Code("payload-too-large", 413)
        /// The audit record could not be committed, so no answer may leave.
        public static let auditUnavailable = Code("audit-unavailable", 503)
        /// A transfer may not start from this status (`pending`, `unknown`).
        public static let transferRefused = Code("transfer-refused", 409)
        /// The destination city gave a less severe colour than the origin's.
        public static let policyConflict = Code("policy-conflict", 409)
        /// A transfer was asked for a code the gateway's own home city issued: there is nothing to transfer.
        public static let sameCityTransfer = Code("same-city-transfer", 422)
        /// Nothing at this path.
        public static let notFound = Code("not-found", 404)
        /// The gateway itself failed; a bug or a broken deployment.
        public static let internalError = Code("internal-error", 500)

        /// No transfer is recorded under this request id (never made, failed before the home city, or purged).
        public static let transferNotFound = Code("transfer-not-found", 404)
        /// The request body did not arrive within `listen.bodyTimeoutMs`; the connection is closed.
        public static let requestTimeout = Code("request-timeout", 408)

        /// Every code, for documentation and for decoding a peer's problem `type`.
        public static let all: [Code] = [
            .codeMalformed, .codeForged, .codeExpired, .codeNotFound, .unknownIssuer, .issuerUnavailable,
            .issuerError, .issuerRefused, .identityMismatch, .badRequest, .unauthenticated, .forbidden,
            .payloadTooLarge, .auditUnavailable, .transferRefused, .policyConflict, .notFound, .internalError,
            .sameCityTransfer, .transferNotFound, .requestTimeout,
        ]

        /// The code with this machine word, if any.
        public init?(rawValue: String) {
            guard let code = Code.all.first(where: { $0.rawValue == rawValue }) else { return nil }
            self = code
        }
    }

    /// The stable machine code.
    public var code: Code
    /// What went wrong, for a person; never personal data.
    public var detail: String
    /// Whether the same request may succeed if tried again (Hangzhou `SYSTEM_BUSY`, Shanghai 429/503, a reset).
    public var isTransient: Bool
    /// The issuer's own wait hint before a retry, in seconds (Shanghai `Retry-After`).
    public var retryAfterSeconds: Int?
    /// The issuer's document's minimum wait before its one retry, in milliseconds (Hangzhou `SYSTEM_BUSY`, Beijing
    /// `2001`: no sooner than 200 ms); `nil` when the document sets none.
    public var retryAfterMilliseconds: Int? = nil

    public init(_ code: Code, _ detail: String, transient: Bool = false, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.detail = detail
        self.isTransient = transient
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// A malformed QR code.
    public static func malformed(_ detail: String) -> HealthgateError { .init(.codeMalformed, detail) }
    /// An issuer answer the gateway cannot accept (not transient).
    public static func issuerError(_ detail: String) -> HealthgateError { .init(.issuerError, detail) }
    /// The issuer is unreachable or busy (transient).
    public static func unavailable(_ detail: String, retryAfterSeconds: Int? = nil) -> HealthgateError {
        .init(.issuerUnavailable, detail, transient: true, retryAfterSeconds: retryAfterSeconds)
    }
    /// The issuer is busy and its document allows one retry after `retryAfterMilliseconds` (transient).
    public static func busy(_ detail: String, retryAfterMilliseconds: Int) -> HealthgateError {
        var error = HealthgateError(.issuerUnavailable, detail, transient: true)
        error.retryAfterMilliseconds = retryAfterMilliseconds
        return error
    }
    /// A malformed request to the gateway.
    public static func badRequest(_ detail: String) -> HealthgateError { .init(.badRequest, detail) }
}
