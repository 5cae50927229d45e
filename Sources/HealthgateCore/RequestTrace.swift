import Foundation
import HealthgateModel
import Synchronization

/// What one request's flow learned on its way, for the audit record, whether it succeeded or failed.
public final class RequestTrace: Sendable {
    /// The fields gathered so far.
    public struct Fields: Sendable {
        public var purpose: String?
        public var issuer: RegionCode?
        public var holder: HolderPseudonym?
        public var status: HealthStatus?
        public var freshness: Freshness?
        public var admits: Bool?
        public var upstreamAttempts = 0
        /// The last instant the code itself is valid, when the flow learned it from a live answer (a peer's
        /// `codeValidUntil`); never audited.
        public var codeValidUntil: Date?
    }

    private let fields = Mutex(Fields())

    public init() {}

    /// A copy of the fields.
    public var snapshot: Fields { fields.withLock { $0 } }

    /// Changes the fields.
    public func update(_ body: (inout Fields) -> Void) { fields.withLock { body(&$0) } }
}
