import Foundation

/// One person in the simulated Hangzhou population.
public struct HangzhouHolder: Hashable, Sendable {
    /// A short handle for tests and the demo, e.g. `yellow-R12`.
    public let handle: String
    /// The person's internal reference; `holder_ref` is derived from it per caller region.
    public let baseRef: String
    /// The ID number (synthetic, generated at run time).
    public var idNumber: String
    /// The name as Hangzhou masks it, e.g. `刘*`.
    public var maskedName: String
    /// `green`, `yellow`, `red` or `init`.
    public var color: String
    /// The R-code of the colour; `nil` for `init`.
    public var reason: String?
    /// When the colour was last set.
    public var colorTime: Date
    /// The last day of isolation (`yyyy-MM-dd`), or `nil`.
    public var quarantineUntil: String?
    /// The travel history Hangzhou adds to its answers (`city`, `date`), location data a gateway must not keep.
    public var travelHistory: [HangzhouTrip]
    /// The `trip_cities` Hangzhou adds.
    public var tripCities: [String]

    /// A holder from its parts (tests: a person with a chosen ID number).
    public init(
        handle: String, baseRef: String, idNumber: String, maskedName: String, color: String, reason: String?,
        colorTime: Date, quarantineUntil: String?, travelHistory: [HangzhouTrip] = [], tripCities: [String] = []
    ) {
        self.handle = handle
        self.baseRef = baseRef
        self.idNumber = idNumber
        self.maskedName = maskedName
        self.color = color
        self.reason = reason
        self.colorTime = colorTime
        self.quarantineUntil = quarantineUntil
        self.travelHistory = travelHistory
        self.tripCities = tripCities
    }

    /// The `holder_ref` Hangzhou gives this person when asked by a gateway of `region`: 32 hex digits, stable
    /// for that person and region, different between regions.
    public func holderRef(forRegion region: String) -> String {
        String(Digest.sha256Hex("hangzhou-holder|\(baseRef)|\(region)").prefix(32))
    }

    /// The ID number masked as Hangzhou prints it.
    public var maskedIDNumber: String { ResidentIDGenerator.masked(idNumber) }
}

/// One entry of Hangzhou's `travel_history`.
public struct HangzhouTrip: Hashable, Sendable {
    /// The city visited.
    public var city: String
    /// The day (`yyyy-MM-dd`).
    public var date: String

    /// A trip to `city` on `date`.
    public init(city: String, date: String) {
        self.city = city
        self.date = date
    }
}
