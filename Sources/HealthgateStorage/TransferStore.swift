import Foundation
import HealthgateModel

/// The transfers the gateway completed (or saw end in a conflict at the home city), one row per request id in table
/// `transfers`: so that a traveller can be told why their code is the colour it is and until when
/// (`federation.md`, "Transfers"), and so that a repeated request id is answered again, even after a restart, without
/// registering the arrival twice.
///
/// **What is stored.** See `StoredTransfer`: pseudonyms, statuses, reasons, dates, a keyed fingerprint of the
/// request's content, the explanation and the answer body. Never the ID number, the full name or a location.
///
/// **Durability.** `save` commits with `synchronous=FULL` before it returns: the answer leaves only once its row is on
/// disk. Lookups run on their own connection and queue.
///
/// **Retention.** A row is kept `retention` (default 30 days, `defaultRetention`) after it was created, then
/// `purgeExpired` deletes it and a lookup no longer sees it.
public final class TransferStore: Sendable {
    /// How long a transfer is kept by default: 30 days, longer than any observation period the cities give (21 days at
    /// most) plus a margin, so that a traveller can ask why for as long as the colour lasts.
    public static let defaultRetention: Duration = .seconds(30 * 86_400)

    /// The database the store lives in.
    public let database: StorageDatabase
    /// How long a row is kept after its creation.
    public let retention: Duration
    let writer: SQLiteQueue
    let reader: SQLiteQueue

    /// A store on `database`. Opens no connection yet.
    public init(database: StorageDatabase, retention: Duration = TransferStore.defaultRetention) {
        self.database = database
        self.retention = retention
        self.writer = database.makeQueue(label: "healthgate.transfers.writer", synchronous: .full)
        self.reader = database.makeQueue(label: "healthgate.transfers.reader", synchronous: .normal)
    }

    /// Closes the store's connections.
    public func close() async {
        await writer.close()
        await reader.close()
    }

    /// Stores `transfer` unless its request id is already stored; returns the row the store holds for that id
    /// afterwards (the first one saved wins). Durable on return.
    @discardableResult
    public func save(_ transfer: StoredTransfer) async throws(StorageError) -> StoredTransfer {
        let row = try Row(transfer)
        let stored = try await writer.run { (db) throws(StorageError) -> Row? in
            try db.transaction { () throws(StorageError) -> Row? in
                try db.withStatement("""
                    INSERT OR IGNORE INTO transfers (request_id, created_ms, fingerprint, origin_issuer, origin_holder,
                        origin_status, origin_reasons, origin_observation_ends, origin_as_of_ms, home_holder, home_status,
                        home_reasons, home_observation_ends, outcome, explanation, answer)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                    """) { (s) throws(StorageError) in
                    try row.bind(to: s)
                    try s.step()
                }
                return try Row.select(row.requestID, db: db)
            }
        }
        guard let stored else { throw StorageError(.internal, "a saved transfer could not be read back") }
        return try stored.transfer()
    }

    /// The transfer stored under `requestID`, unless it is older than the retention at `now`.
    public func lookup(requestID: UUID, now: Date) async throws(StorageError) -> StoredTransfer? {
        let id = Row.key(requestID)
        let oldestMs = AuditRow.milliseconds(now) - retention.milliseconds
        let row = try await reader.run { (db) throws(StorageError) -> Row? in try Row.select(id, db: db) }
        guard let row, row.createdMs > oldestMs else { return nil }
        return try row.transfer()
    }

    /// Deletes every transfer and claim older than the retention at `now`; returns how many transfers.
    @discardableResult
    public func purgeExpired(now: Date) async throws(StorageError) -> Int {
        let oldestMs = AuditRow.milliseconds(now) - retention.milliseconds
        return try await writer.run { (db) throws(StorageError) -> Int in
            try db.withStatement("DELETE FROM transfer_claims WHERE arrival_ms <= ?1") { (s) throws(StorageError) in
                try s.bind(oldestMs, at: 1)
                try s.step()
            }
            return try db.withStatement("DELETE FROM transfers WHERE created_ms <= ?1") { (s) throws(StorageError) -> Int in
                try s.bind(oldestMs, at: 1)
                try s.step()
                return db.changes
            }
        }
    }

    /// Claims `requestID` before a run: always granted (one process runs each request id once at a time; a claim
    /// left by a process that crashed is taken over), with the arrival time of the request id's first claim, `now`
    /// when there was none. Durable on return, so that a rerun after a crash registers the same arrival.
    public func claim(requestID: UUID, lease: Duration, now: Date) async throws(StorageError) -> TransferClaim {
        let id = Row.key(requestID)
        let nowMs = Row.milliseconds(now)
        let arrivalMs = try await writer.run { (db) throws(StorageError) -> Int64 in
            try db.transaction { () throws(StorageError) -> Int64 in
                try db.withStatement("INSERT OR IGNORE INTO transfer_claims (request_id, arrival_ms) VALUES (?1, ?2)") {
                    (s) throws(StorageError) in
                    try s.bind(id, at: 1)
                    try s.bind(nowMs, at: 2)
                    try s.step()
                }
                return try db.withStatement("SELECT arrival_ms FROM transfer_claims WHERE request_id = ?1") {
                    (s) throws(StorageError) -> Int64 in
                    try s.bind(id, at: 1)
                    return try s.step() ? s.int64(0) : nowMs
                }
            }
        }
        return .granted(arrivalTime: Row.date(milliseconds: arrivalMs))
    }

    /// Ends the claim on `requestID` (the run did not reach the home city: a retry registers as of its own time).
    public func release(requestID: UUID) async throws(StorageError) {
        let id = Row.key(requestID)
        try await writer.run { (db) throws(StorageError) in
            try db.withStatement("DELETE FROM transfer_claims WHERE request_id = ?1") { (s) throws(StorageError) in
                try s.bind(id, at: 1)
                try s.step()
            }
        }
    }

    /// The number of transfers stored (tests, metrics).
    public func count() async throws(StorageError) -> Int {
        try await reader.run { (db) throws(StorageError) -> Int in
            Int(try db.scalarInt("SELECT COUNT(*) FROM transfers") ?? 0)
        }
    }
}

extension TransferStore {
    /// A row of `transfers`, as bound and read: text, integers and JSON (the PostgreSQL store binds the same row).
    package struct Row: Sendable {
        package var requestID: String
        package var createdMs: Int64
        package var fingerprint: String
        package var originIssuer: String
        package var originHolder: String
        package var originStatus: String
        package var originReasons: String
        package var originObservationEnds: String?
        package var originAsOfMs: Int64
        package var homeHolder: String?
        package var homeStatus: String?
        package var homeReasons: String
        package var homeObservationEnds: String?
        package var outcome: String
        package var explanation: String
        package var answer: [UInt8]

        package static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

        /// Whole milliseconds, rounded down, as the answers print times (`ChinaTime.formatISO` truncates).
        package static func milliseconds(_ date: Date) -> Int64 {
            Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        }

        /// The middle of the millisecond, so that formatting it with milliseconds prints that millisecond.
        package static func date(milliseconds: Int64) -> Date {
            Date(timeIntervalSince1970: (TimeInterval(milliseconds) + 0.5) / 1000)
        }

        package init(_ t: StoredTransfer) throws(StorageError) {
            requestID = Self.key(t.requestID)
            createdMs = Self.milliseconds(t.created)
            fingerprint = t.fingerprint
            originIssuer = t.originIssuer.rawValue
            originHolder = t.originHolder.rawValue
            originStatus = t.originStatus.rawValue
            originReasons = try Self.encode(t.originReasons)
            originObservationEnds = t.originObservationEnds?.description
            originAsOfMs = Self.milliseconds(t.originAsOf)
            homeHolder = t.homeHolder?.rawValue
            homeStatus = t.homeStatus?.rawValue
            homeReasons = try Self.encode(t.homeReasons)
            homeObservationEnds = t.homeObservationEnds?.description
            outcome = t.outcome
            explanation = t.explanation
            answer = t.answer
        }

        package init(requestID: String, createdMs: Int64, fingerprint: String, originIssuer: String,
                     originHolder: String, originStatus: String, originReasons: String, originObservationEnds: String?,
                     originAsOfMs: Int64, homeHolder: String?, homeStatus: String?, homeReasons: String,
                     homeObservationEnds: String?, outcome: String, explanation: String, answer: [UInt8]) {
            self.requestID = requestID
            self.createdMs = createdMs
            self.fingerprint = fingerprint
            self.originIssuer = originIssuer
            self.originHolder = originHolder
            self.originStatus = originStatus
            self.originReasons = originReasons
            self.originObservationEnds = originObservationEnds
            self.originAsOfMs = originAsOfMs
            self.homeHolder = homeHolder
            self.homeStatus = homeStatus
            self.homeReasons = homeReasons
            self.homeObservationEnds = homeObservationEnds
            self.outcome = outcome
            self.explanation = explanation
            self.answer = answer
        }

        private init(_ s: SQLiteStatement) {
            requestID = s.text(0) ?? ""
            createdMs = s.int64(1)
            fingerprint = s.text(2) ?? ""
            originIssuer = s.text(3) ?? ""
            originHolder = s.text(4) ?? ""
            originStatus = s.text(5) ?? ""
            originReasons = s.text(6) ?? "[]"
            originObservationEnds = s.text(7)
            originAsOfMs = s.int64(8)
            homeHolder = s.text(9)
            homeStatus = s.text(10)
            homeReasons = s.text(11) ?? "[]"
            homeObservationEnds = s.text(12)
            outcome = s.text(13) ?? ""
            explanation = s.text(14) ?? ""
            answer = s.blob(15) ?? []
        }

        static func select(_ id: String, db: SQLiteConnection) throws(StorageError) -> Row? {
            try db.withStatement("""
                SELECT request_id, created_ms, fingerprint, origin_issuer, origin_holder, origin_status, origin_reasons,
                    origin_observation_ends, origin_as_of_ms, home_holder, home_status, home_reasons,
                    home_observation_ends, outcome, explanation, answer
                FROM transfers WHERE request_id = ?1
                """) { (s) throws(StorageError) -> Row? in
                try s.bind(id, at: 1)
                return try s.step() ? Row(s) : nil
            }
        }

        func bind(to s: SQLiteStatement) throws(StorageError) {
            try s.bind(requestID, at: 1)
            try s.bind(createdMs, at: 2)
            try s.bind(fingerprint, at: 3)
            try s.bind(originIssuer, at: 4)
            try s.bind(originHolder, at: 5)
            try s.bind(originStatus, at: 6)
            try s.bind(originReasons, at: 7)
            try s.bind(originObservationEnds, at: 8)
            try s.bind(originAsOfMs, at: 9)
            try s.bind(homeHolder, at: 10)
            try s.bind(homeStatus, at: 11)
            try s.bind(homeReasons, at: 12)
            try s.bind(homeObservationEnds, at: 13)
            try s.bind(outcome, at: 14)
            try s.bind(explanation, at: 15)
            try s.bind(answer, at: 16)
        }

        package func transfer() throws(StorageError) -> StoredTransfer {
            guard let id = UUID(uuidString: requestID), let issuer = RegionCode(rawValue: originIssuer),
                  let origin = HolderPseudonym(rawValue: originHolder), let status = HealthStatus(rawValue: originStatus)
            else { throw StorageError(.encoding, "a stored transfer could not be decoded") }
            func optional<T>(_ text: String?, _ make: (String) -> T?) throws(StorageError) -> T? {
                guard let text else { return nil }
                guard let value = make(text) else { throw StorageError(.encoding, "a stored transfer could not be decoded") }
                return value
            }
            return StoredTransfer(
                requestID: id, created: Self.date(milliseconds: createdMs), fingerprint: fingerprint,
                originIssuer: issuer, originHolder: origin, originStatus: status,
                originReasons: try Self.decode(originReasons),
                originObservationEnds: try optional(originObservationEnds, LocalDate.init),
                originAsOf: Self.date(milliseconds: originAsOfMs),
                homeHolder: try optional(homeHolder, HolderPseudonym.init(rawValue:)),
                homeStatus: try optional(homeStatus, HealthStatus.init(rawValue:)),
                homeReasons: try Self.decode(homeReasons),
                homeObservationEnds: try optional(homeObservationEnds, LocalDate.init),
                outcome: outcome, explanation: explanation, answer: answer)
        }

        static func encode(_ reasons: [Reason]) throws(StorageError) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(reasons) else {
                throw StorageError(.encoding, "a transfer's reasons could not be encoded")
            }
            return String(decoding: data, as: UTF8.self)
        }

        static func decode(_ text: String) throws(StorageError) -> [Reason] {
            guard let reasons = try? JSONDecoder().decode([Reason].self, from: Data(text.utf8)) else {
                throw StorageError(.encoding, "a stored transfer's reasons could not be decoded")
            }
            return reasons
        }
    }
}
