import Foundation

/// What `GET /status` on the operations port answers (and the operations page shows): each city, the audit head, the
/// configuration in force and the recent reloads. Names, numbers and times only: no code, holder or ID number.
/// Times are ISO 8601 in Asia/Shanghai (`+08:00`).
public struct OpsStatus: Sendable, Encodable {
    /// One configured city.
    public struct City: Sendable, Encodable {
        public var name: String
        public var region: String
        public var kind: String
        public var baseURL: String
        /// The QR prefix of a Hangzhou-style city.
        public var qrPrefix: String?
        /// The earliest expiry among the city's certificates (client certificate, CA bundle), and days left.
        public var certificateExpires: String?
        public var certificateDaysLeft: Int?
        /// `open` (calls fail fast) or `closed`.
        public var breaker: String
        public var lastSuccess: String?
        public var lastFailure: String?
        public var lastFailureReason: String?
        /// City calls over the last five minutes, failed ones (no answer or HTTP 5xx) and their share.
        public var calls5m: Int
        public var failures5m: Int
        public var errorRate5m: Double
        /// Call durations over the last five minutes, in milliseconds.
        public var p50Ms: Double?
        public var p99Ms: Double?
        /// Cache lookups for the city's codes over five minutes, and the share answered fresh from cache.
        public var cacheLookups5m: Int
        public var cacheHitRatio5m: Double?
    }

    /// The audit trail's head.
    public struct Audit: Sendable, Encodable {
        public var sequence: Int64
        public var lastSignedSequence: Int64?
        public var lastSignedAt: String?
        public var lastSignedAgeSeconds: Int?
        public var witnessFile: String
        public var witnessFileExists: Bool
    }

    /// The configuration in force.
    public struct Configuration: Sendable, Encodable {
        public var path: String
        public var sha256: String
        /// The file's modification time when it was loaded.
        public var loadedAt: String
        public var warnings: [String]
    }

    /// One reload attempt.
    public struct Reload: Sendable, Encodable {
        public var time: String
        public var outcome: String
        public var notes: [String]
    }

    public var now: String
    public var home: String
    public var cities: [City]
    /// `nil` when the audit trail cannot be read.
    public var audit: Audit?
    public var configuration: Configuration
    /// Newest last.
    public var reloads: [Reload]
}
