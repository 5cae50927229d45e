import Foundation
import Synchronization

/// The most recent configuration reload attempts, newest last, for the operations page: when, applied or refused,
/// and what an operator must know (the issues of a refused file, the keys that need a restart).
public final class ReloadHistory: Sendable {
    /// One reload attempt.
    public struct Entry: Sendable, Encodable {
        /// When it was tried.
        public var time: Date
        /// `applied`, `applied-restart-needed` or `refused`.
        public var outcome: String
        /// The issues of a refused file, or the changes that wait for a restart.
        public var notes: [String]
    }

    /// How many attempts are kept.
    public static let capacity = 20

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Records one attempt, dropping the oldest past `capacity`.
    public func record(_ outcome: String, notes: [String] = [], at time: Date = Date()) {
        entries.withLock { list in
            list.append(Entry(time: time, outcome: outcome, notes: notes))
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
        }
    }

    /// Every kept attempt, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }
}
