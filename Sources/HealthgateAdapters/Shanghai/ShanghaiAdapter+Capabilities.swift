import Foundation
import HealthgateModel

extension ShanghaiAdapter: KeySetRefreshing {
    /// Shanghai signs its tokens with keys published at `GET /sssm/v1/keys`.
    public var keySetRefresh: (any KeySetRefreshing)? { self }

    /// Shanghai sends `status.changed`.
    public var sendsNotifications: Bool { true }

    public func useKeys(from response: NativeResponse, at now: Date) throws(HealthgateError) -> Int {
        let set = try parseKeysResponse(response)
        keys.replace(with: set, at: now)
        return set.keys.count
    }

    public func claimRefresh(now: Date) -> Bool { keys.claimRefresh(now: now) }
}
