import Foundation
import HealthgateModel

/// An audit record as the table stores it: plain columns, so that a tampered or malformed row can still be hashed,
/// exported and reported.
package struct AuditRow: Hashable, Sendable {
    package var seq: Int64
    package var timeMs: Int64
    package var requestID: String
    package var callerSubject: String
    package var callerFingerprint: String
    package var role: String
    package var route: String
    package var purpose: String?
    package var issuer: String?
    package var holder: String?
    package var outcome: String
    package var status: String?
    package var freshness: String?
    package var admits: Int64?
    package var errorCode: String?
    package var upstreamAttempts: Int64
    package var latencyMicros: Int64
    package var prevHash: [UInt8]
    package var hash: [UInt8]

    /// The columns, in this order, of every SELECT that builds a row.
    package static let columns = """
        seq, time_ms, request_id, caller_subject, caller_fingerprint, role, route, purpose, issuer, holder, outcome, \
        status, freshness, admits, error_code, upstream_attempts, latency_us, prev_hash, hash
        """

    /// The columns of a record, before the writer gives it a place in the chain.
    package init(record: AuditRecord) {
        self.seq = 0
        self.timeMs = Self.milliseconds(record.time)
        self.requestID = record.requestID
        self.callerSubject = record.caller.subject
        self.callerFingerprint = record.caller.fingerprint
        self.role = record.role
        self.route = record.route
        self.purpose = record.purpose
        self.issuer = record.issuer?.rawValue
        self.holder = record.holder?.rawValue
        self.outcome = record.outcome.kind
        switch record.outcome {
        case .verified(let status, let freshness, let admits):
            self.status = status.rawValue
            self.freshness = freshness.rawValue
            self.admits = admits ? 1 : 0
            self.errorCode = nil
        case .completed:
            self.status = nil
            self.freshness = nil
            self.admits = nil
            self.errorCode = nil
        case .failed(let code):
            self.status = nil
            self.freshness = nil
            self.admits = nil
            self.errorCode = code
        }
        self.upstreamAttempts = Int64(record.upstreamAttempts)
        let components = record.latency.components
        self.latencyMicros = components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
        self.prevHash = []
        self.hash = []
    }

    /// Reads a row selected with `columns` starting at column 0.
    init(statement s: SQLiteStatement) {
        seq = s.int64(0)
        timeMs = s.int64(1)
        requestID = s.text(2) ?? ""
        callerSubject = s.text(3) ?? ""
        callerFingerprint = s.text(4) ?? ""
        role = s.text(5) ?? ""
        route = s.text(6) ?? ""
        purpose = s.text(7)
        issuer = s.text(8)
        holder = s.text(9)
        outcome = s.text(10) ?? ""
        status = s.text(11)
        freshness = s.text(12)
        admits = s.optionalInt64(13)
        errorCode = s.text(14)
        upstreamAttempts = s.int64(15)
        latencyMicros = s.int64(16)
        prevHash = s.blob(17) ?? []
        hash = s.blob(18) ?? []
    }

    /// Binds every column to `?1` … `?19` in the order of `columns`.
    func bind(to s: SQLiteStatement) throws(StorageError) {
        try s.bind(seq, at: 1)
        try s.bind(timeMs, at: 2)
        try s.bind(requestID, at: 3)
        try s.bind(callerSubject, at: 4)
        try s.bind(callerFingerprint, at: 5)
        try s.bind(role, at: 6)
        try s.bind(route, at: 7)
        try s.bind(purpose, at: 8)
        try s.bind(issuer, at: 9)
        try s.bind(holder, at: 10)
        try s.bind(outcome, at: 11)
        try s.bind(status, at: 12)
        try s.bind(freshness, at: 13)
        try s.bind(admits, at: 14)
        try s.bind(errorCode, at: 15)
        try s.bind(upstreamAttempts, at: 16)
        try s.bind(latencyMicros, at: 17)
        try s.bind(prevHash, at: 18)
        try s.bind(hash, at: 19)
    }

    /// The typed record, or `nil` when a column holds something no `AuditRecord` could have written.
    package var record: AuditRecord? {
        let outcome: AuditOutcome
        switch self.outcome {
        case "verified":
            guard let status = status.flatMap(HealthStatus.init(rawValue:)),
                let freshness = freshness.flatMap(Freshness.init(rawValue:)), let admits
            else { return nil }
            outcome = .verified(status: status, freshness: freshness, admits: admits != 0)
        case "completed":
            outcome = .completed
        case "failed":
            guard let errorCode else { return nil }
            outcome = .failed(code: errorCode)
        default:
            return nil
        }
        var issuerCode: RegionCode?
        if let issuer {
            guard let code = RegionCode(rawValue: issuer) else { return nil }
            issuerCode = code
        }
        var pseudonym: HolderPseudonym?
        if let holder {
            guard let value = HolderPseudonym(rawValue: holder) else { return nil }
            pseudonym = value
        }
        return AuditRecord(
            time: Self.date(milliseconds: timeMs), requestID: requestID,
            caller: AuditCaller(subject: callerSubject, fingerprint: callerFingerprint), role: role, route: route,
            purpose: purpose, issuer: issuerCode, holder: pseudonym, outcome: outcome,
            upstreamAttempts: Int(upstreamAttempts), latency: .microseconds(latencyMicros))
    }

    /// The entry, or `nil` when the row is malformed.
    package var entry: AuditEntry? {
        record.map { AuditEntry(seq: seq, record: $0, prevHash: prevHash, hash: hash) }
    }

    /// Milliseconds since 1970, to the nearest (so that a date made by `date(milliseconds:)` comes back exactly).
    package static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The instant of a millisecond count.
    package static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    /// ISO 8601 with milliseconds in Asia/Shanghai; exact (the formatter rounds down, so aim at the middle of the ms).
    package static func iso(milliseconds: Int64) -> String {
        ChinaTime.formatISO(Date(timeIntervalSince1970: (TimeInterval(milliseconds) + 0.5) / 1000), withMilliseconds: true)
    }
}
