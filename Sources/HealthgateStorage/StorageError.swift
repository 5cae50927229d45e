import CSQLite
import HealthgateModel

/// A storage failure with a stable machine code (`storage-busy`, `storage-full`, …); never a raw SQLite code or message.
///
/// The detail names the operation that failed and SQLite's generic explanation of the code; it never holds a value
/// of a row, so no personal data.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine code for a class of storage failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable word, stable across releases.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The database stayed locked by another connection past the deadline (SQLITE_BUSY, SQLITE_LOCKED).
        public static let busy = Code("storage-busy")
        /// The disk or the database is full (SQLITE_FULL).
        public static let full = Code("storage-full")
        /// The database file, its directory or the connection is read-only (SQLITE_READONLY, SQLITE_PERM).
        public static let readOnly = Code("storage-readonly")
        /// The file is not a database or is damaged (SQLITE_CORRUPT, SQLITE_NOTADB).
        public static let corrupt = Code("storage-corrupt")
        /// The operating system reported an I/O error (SQLITE_IOERR).
        public static let io = Code("storage-io")
        /// The database file could not be opened or created (SQLITE_CANTOPEN).
        public static let cannotOpen = Code("storage-cannot-open")
        /// A row broke a constraint of the schema (SQLITE_CONSTRAINT): a bug, or two writers without coordination.
        public static let constraint = Code("storage-constraint")
        /// The database was written by a newer schema than this build knows.
        public static let schema = Code("storage-schema")
        /// A stored value could not be decoded, or a value could not be encoded for storage.
        public static let encoding = Code("storage-encoding")
        /// The audit signing key is missing, unreadable or of an unsupported kind.
        public static let signingKey = Code("storage-signing-key")
        /// The store was closed.
        public static let closed = Code("storage-closed")
        /// A database server (PostgreSQL) could not be reached, or did not commit before the deadline.
        public static let unavailable = Code("storage-unavailable")
        /// Any other failure of SQLite or of this module: a bug.
        public static let `internal` = Code("storage-internal")
    }

    /// The stable machine code.
    public var code: Code
    /// What failed, for an operator; never personal data.
    public var detail: String

    /// An error of the given code.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// Whether the same operation may succeed later without a code change (busy, full, read-only, I/O, cannot open).
    public var isTransient: Bool {
        [Code.busy, .full, .readOnly, .io, .cannotOpen, .closed].contains(code)
    }

    /// The gateway error a request gets when its audit record could not be committed: 503 `audit-unavailable`.
    public var auditUnavailable: HealthgateError {
        HealthgateError(.auditUnavailable, "the audit record could not be committed (\(code.rawValue))", transient: true)
    }

    /// Maps an SQLite result code (primary or extended) to a storage error; `operation` says what was being done.
    static func sqlite(_ resultCode: Int32, _ operation: String) -> StorageError {
        let primary = resultCode & 0xFF
        let code: Code
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_FULL: code = .full
        case SQLITE_READONLY, SQLITE_PERM: code = .readOnly
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        case SQLITE_IOERR: code = .io
        case SQLITE_CANTOPEN: code = .cannotOpen
        case SQLITE_CONSTRAINT: code = .constraint
        default: code = .internal
        }
        let explanation = sqlite3_errstr(resultCode).map { String(cString: $0) } ?? "unknown error"
        return StorageError(code, "\(operation): \(explanation)")
    }
}
