import Foundation
import HealthgateModel

/// A key set the gateway keeps fresh from the city that signs its codes (Shanghai's JWK set): the request that fetches
/// it, how its answer is put in use, and the once-a-minute rule for refreshing when a code names an unknown key.
/// Adapters do no I/O: the core sends the request (`KeySetRefresher`).
public protocol KeySetRefreshing: Sendable {
    /// The native request for the current key set.
    func keysRequest(caller: RegionCode, requestID: UUID) -> NativeRequest
    /// Reads the city's answer and puts its keys in use from `now`; returns how many keys it holds.
    func useKeys(from response: NativeResponse, at now: Date) throws(HealthgateError) -> Int
    /// Whether a code with an unknown key may trigger a refresh now (at most once a minute); claims it when it may.
    func claimRefresh(now: Date) -> Bool
}

extension CityAdapter {
    /// `nil`: most cities' codes are not checked against a key set the gateway refreshes.
    public var keySetRefresh: (any KeySetRefreshing)? { nil }

    /// `false`: most cities send no notifications.
    public var sendsNotifications: Bool { false }
}
