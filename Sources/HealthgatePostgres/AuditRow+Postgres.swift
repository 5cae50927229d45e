import Foundation
import HealthgateStorage
import NIOCore
import PostgresNIO

extension AuditRow {
    /// Reads a row selected with `AuditRow.columns` starting at column `first`.
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
}

extension AuditRow {
    /// The columns `copyLine` writes, in its order.
    static let copyColumns = ["replica_id"] + AuditRow.columns.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Appends the row as one line of `COPY … FROM STDIN (FORMAT text)`: tab-separated, `\N` for NULL, backslash,
    /// tab, newline and carriage return escaped, bytea as `\\x` and hex.
    func copyLine(replica: String, into out: inout ByteBuffer) {
        Self.copyText(replica, into: &out)
        for value in [seq, timeMs] { out.writeInteger(UInt8(ascii: "\t")); out.writeString(String(value)) }
        for text in [requestID, callerSubject, callerFingerprint, role, route] {
            out.writeInteger(UInt8(ascii: "\t"))
            Self.copyText(text, into: &out)
        }
        for text in [purpose, issuer, holder] {
            out.writeInteger(UInt8(ascii: "\t"))
            Self.copyText(text, into: &out)
        }
        out.writeInteger(UInt8(ascii: "\t"))
        Self.copyText(outcome, into: &out)
        for text in [status, freshness] {
            out.writeInteger(UInt8(ascii: "\t"))
            Self.copyText(text, into: &out)
        }
        out.writeInteger(UInt8(ascii: "\t"))
        Self.copyText(admits.map { String($0) }, into: &out)
        out.writeInteger(UInt8(ascii: "\t"))
        Self.copyText(errorCode, into: &out)
        for value in [upstreamAttempts, latencyMicros] { out.writeInteger(UInt8(ascii: "\t")); out.writeString(String(value)) }
        for bytes in [prevHash, hash] {
            out.writeInteger(UInt8(ascii: "\t"))
            out.writeString("\\\\x")
            out.writeString(Hex.encode(bytes))
        }
        out.writeInteger(UInt8(ascii: "\n"))
    }

    /// A text value in COPY's text format.
    static func copyText(_ text: String?, into out: inout ByteBuffer) {
        guard let text else {
            out.writeString("\\N")
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.writeString("\\\\")
            case UInt8(ascii: "\t"): out.writeString("\\t")
            case UInt8(ascii: "\n"): out.writeString("\\n")
            case UInt8(ascii: "\r"): out.writeString("\\r")
            default: out.writeInteger(byte)
            }
        }
    }
}

extension AuditRecord {
    /// A record whose every field is overwritten when a row is read back.
    static let placeholder = AuditRecord(time: .distantPast, requestID: "", caller: AuditCaller(subject: "", fingerprint: ""),
                                         role: "", route: "", outcome: .completed)
}
