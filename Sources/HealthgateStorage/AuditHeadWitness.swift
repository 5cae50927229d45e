import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An append-only file outside the database that receives every signed chain head: the external anchor that lets
/// `audit verify --heads` catch a tail cut off together with the signatures that covered it.
///
/// One JSON object per line (`seq`, `head_hash` hex, `signed_at_ms`, `key_id`, `signature` base64, and `replica` for a
/// replica's chain in PostgreSQL), appended with
/// `O_APPEND` and synced. Keep it on another volume, or ship it off the host: the database alone cannot show that its
/// own end, signatures included, was removed. A torn last line (a crash mid-write) is ignored when reading.
public struct AuditHeadWitness: Sendable {
    /// The file's path.
    public let path: String

    /// A witness file at `path` (created at the first signature).
    public init(path: String) {
        self.path = path
    }

    /// One witnessed head.
    public struct Head: Hashable, Sendable, Codable {
        public var seq: Int64
        /// The head record's hash, lower-case hex.
        public var headHash: String
        public var signedAtMs: Int64
        public var keyID: String
        /// The signature over `AuditCanonicalEncoding.headMessage`, base64.
        public var signature: String
        /// The replica whose chain this head ends (PostgreSQL: one chain per replica); absent for the SQLite chain.
        public var replica: String?

        public init(seq: Int64, headHash: String, signedAtMs: Int64, keyID: String, signature: String,
                    replica: String? = nil) {
            self.seq = seq
            self.headHash = headHash
            self.signedAtMs = signedAtMs
            self.keyID = keyID
            self.signature = signature
            self.replica = replica
        }

        enum CodingKeys: String, CodingKey {
            case seq
            case headHash = "head_hash"
            case signedAtMs = "signed_at_ms"
            case keyID = "key_id"
            case signature
            case replica
        }
    }

    /// Appends one head and syncs the file; throws `storage-io` when it cannot.
    package func append(_ head: Head) throws(StorageError) {
        guard var line = try? JSONEncoder().encode(head) else { throw StorageError(.internal, "encoding a witnessed head") }
        line.append(UInt8(ascii: "\n"))
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StorageError(.io, "opening the audit head witness file (errno \(errno))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw StorageError(.io, "writing the audit head witness file (errno \(errno))") }
        guard fsync(fd) == 0 else { throw StorageError(.io, "syncing the audit head witness file (errno \(errno))") }
    }

    /// Every complete line of the file, in order; a line that does not parse is skipped and counted.
    public func read() throws(StorageError) -> (heads: [Head], unreadableLines: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StorageError(.io, "cannot read the audit head witness file")
        }
        var heads: [Head] = []
        var unreadable = 0
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let head = try? decoder.decode(Head.self, from: Data(line)) { heads.append(head) } else { unreadable += 1 }
        }
        return (heads, unreadable)
    }
}
