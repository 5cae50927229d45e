import Foundation

/// Where "now" comes from; injected so that tests and `inspect --now` decide time.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always answers the same instant.
public struct FixedWallClock: WallClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public init(unixSeconds: Int) { self.instant = Date(timeIntervalSince1970: TimeInterval(unixSeconds)) }
    public func now() -> Date { instant }
}
