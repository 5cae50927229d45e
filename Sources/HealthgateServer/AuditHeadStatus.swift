import Foundation
import HealthgateStorage

/// The audit trail's head as the operations page shows it: the newest record's sequence number, the last signed head
/// and when it was signed, and the head witness file.
public struct AuditHeadStatus: Sendable {
    /// The newest record's sequence number (0: none yet).
    public var sequence: Int64
    /// The sequence number of the last signed head, if any.
    public var lastSignedSequence: Int64?
    /// When it was signed.
    public var lastSignedAt: Date?
    /// The head witness file, and whether it exists.
    public var witnessPath: String
    public var witnessExists: Bool

    public init(sequence: Int64, lastSignedSequence: Int64?, lastSignedAt: Date?, witnessPath: String,
                witnessExists: Bool) {
        self.sequence = sequence
        self.lastSignedSequence = lastSignedSequence
        self.lastSignedAt = lastSignedAt
        self.witnessPath = witnessPath
        self.witnessExists = witnessExists
    }

    /// Reads the head of `audit`; `nil` when the database cannot be read.
    public static func read(_ audit: any AuditTrail, witnessPath: String) async -> AuditHeadStatus? {
        guard let head = try? await audit.head() else { return nil }
        let signature = try? await audit.lastSignature()
        return AuditHeadStatus(sequence: head.seq, lastSignedSequence: signature?.seq, lastSignedAt: signature?.signedAt,
                               witnessPath: witnessPath,
                               witnessExists: FileManager.default.fileExists(atPath: witnessPath))
    }
}
