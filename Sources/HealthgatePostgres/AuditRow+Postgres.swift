import Foundation
import HealthgateStorage
import NIOCore
import PostgresNIO

extension AuditRow {
    /// The columns of `audit_records` after `replica_id`, in the order `bind` writes and `init(cells:from:)` reads.
    static let postgresColumns = AuditRow.columns

    /// Reads a row selected with `postgresColumns` starting at column `first`.
    init(cells: PostgresRandomAccessRow, from first: Int = 0) throws {
        self.init(record: AuditRecord.placeholder)
        seq = try cells[first].decode(Int64.self)
        timeMs = try cells[first + 1].decode(Int64.self)
        requestID = try cells[first + 2].decode(String.self)
        callerSubject = try cells[first + 3].decode(String.self)
        callerFingerprint = try cells[first + 4].decode(String.self)
        role = try cells[first + 5].decode(String.self)
        route = try cells[first + 6].decode(String.self)
        purpose = try cells[first + 7].decode(String?.self)
        issuer = try cells[first + 8].decode(String?.self)
        holder = try cells[first + 9].decode(String?.self)
        outcome = try cells[first + 10].decode(String.self)
        status = try cells[first + 11].decode(String?.self)
        freshness = try cells[first + 12].decode(String?.self)
        admits = try cells[first + 13].decode(Int64?.self)
        errorCode = try cells[first + 14].decode(String?.self)
        upstreamAttempts = try cells[first + 15].decode(Int64.self)
        latencyMicros = try cells[first + 16].decode(Int64.self)
        prevHash = Array(buffer: try cells[first + 17].decode(ByteBuffer.self))
        hash = Array(buffer: try cells[first + 18].decode(ByteBuffer.self))
    }

    /// Appends `replica` and every column of `postgresColumns` to `bindings` (20 parameters).
    func bind(replica: String, into bindings: inout PostgresBindings) {
        bindings.append(replica)
        bindings.append(seq)
        bindings.append(timeMs)
        bindings.append(requestID)
        bindings.append(callerSubject)
        bindings.append(callerFingerprint)
        bindings.append(role)
        bindings.append(route)
        bindings.append(purpose)
        bindings.append(issuer)
        bindings.append(holder)
        bindings.append(outcome)
        bindings.append(status)
        bindings.append(freshness)
        bindings.append(admits)
        bindings.append(errorCode)
        bindings.append(upstreamAttempts)
        bindings.append(latencyMicros)
        bindings.append(ByteBuffer(bytes: prevHash))
        bindings.append(ByteBuffer(bytes: hash))
    }
}

extension AuditRecord {
    /// A record whose every field is overwritten when a row is read back.
    static let placeholder = AuditRecord(time: .distantPast, requestID: "", caller: AuditCaller(subject: "", fingerprint: ""),
                                         role: "", route: "", outcome: .completed)
}
