import HealthgatePostgres
import HealthgateStorage

/// The audit trail as the gateway writes it: `record` returns once the record is committed, and throws when it cannot
/// be (the answer must then not leave: `audit-unavailable`).
public protocol AuditRecording: Sendable {
    func record(_ record: AuditRecord) async throws
}

extension AuditLog: AuditRecording {
    /// Appends and waits for the commit that holds the record.
    public func record(_ record: AuditRecord) async throws {
        _ = try await append(record)
    }
}

extension PostgresAuditLog: AuditRecording {
    /// Appends and waits for the commit that holds the record.
    public func record(_ record: AuditRecord) async throws {
        _ = try await append(record)
    }
}
