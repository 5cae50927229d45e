import Foundation
import HealthgateModel
import Synchronization

/// The Suishenma signing keys in use, shared by every recognition and replaceable at runtime (periodic refresh, or a
/// set configured by hand when Shanghai is unreachable).
///
/// It also remembers that a token named a `kid` the set does not hold, so that the gateway core refreshes the set then,
/// but at most once a minute (shanghai.md): the core asks `claimRefresh(now:)`, fetches `GET /sssm/v1/keys` through
/// its transport, and hands the answer to `replace(with:at:)`.
public final class ShanghaiKeyStore: Sendable {
    /// The shortest interval between two refreshes triggered by unknown key ids.
    public static let unknownKeyRefreshInterval: TimeInterval = 60

    private struct State {
        var keys: ShanghaiKeySet
        /// When the set was last replaced.
        var replacedAt: Date?
        /// When the last unknown-kid refresh was claimed (attempted), successful or not.
        var lastClaim: Date?
        /// The most recent unknown key id met since the set was last replaced.
        var unknownKeyID: String?
        /// When that unknown key id was last met.
        var unknownKeyMetAt: Date?
    }

    private let state: Mutex<State>

    /// A store holding `keys` (for example the configured set, until the first refresh).
    public init(_ keys: ShanghaiKeySet = .empty) {
        state = Mutex(State(keys: keys))
    }

    /// The set in use now.
    public var current: ShanghaiKeySet {
        state.withLock { $0.keys }
    }

    /// When the set was last replaced, if ever.
    public var replacedAt: Date? {
        state.withLock { $0.replacedAt }
    }

    /// Puts a new set in use (a refresh's answer or a hand-configured set); clears the unknown-kid mark.
    public func replace(with keys: ShanghaiKeySet, at now: Date) {
        state.withLock {
            $0.keys = keys
            $0.replacedAt = now
            $0.unknownKeyID = nil
            $0.unknownKeyMetAt = nil
        }
    }

    /// The key named `id`; when the set has none, remembers that an unknown key id was met at `now`.
    public func key(id: String, now: Date) -> ShanghaiKey? {
        state.withLock {
            if let key = $0.keys.key(id: id) { return key }
            $0.unknownKeyID = id
            $0.unknownKeyMetAt = now
            return nil
        }
    }

    /// The unknown key id met since the last replacement, if any.
    public var pendingUnknownKeyID: String? {
        state.withLock { $0.unknownKeyID }
    }

    /// When the pending unknown key id was last met, if any.
    public var unknownKeyMetAt: Date? {
        state.withLock { $0.unknownKeyMetAt }
    }

    /// Whether an unknown key id was met and the last unknown-kid refresh is at least a minute old.
    public func needsRefresh(now: Date) -> Bool {
        state.withLock { Self.due($0, now: now) }
    }

    /// Like `needsRefresh(now:)`, but atomically records the attempt so that of many concurrent callers only one fetches;
    /// `true` means "you fetch now".
    public func claimRefresh(now: Date) -> Bool {
        state.withLock {
            guard Self.due($0, now: now) else { return false }
            $0.lastClaim = now
            return true
        }
    }

    private static func due(_ s: State, now: Date) -> Bool {
        guard s.unknownKeyID != nil else { return false }
        guard let last = s.lastClaim else { return true }
        return now.timeIntervalSince(last) >= unknownKeyRefreshInterval || now < last
    }
}
