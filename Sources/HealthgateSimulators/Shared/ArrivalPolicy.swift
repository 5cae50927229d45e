/// How a simulated city decides the status of an arriving traveller.
public enum ArrivalPolicy: String, Hashable, Sendable, CaseIterable {
    /// As the document says: the origin's colour, and at least the origin's isolation (the default).
    case faithful
    /// Always green with no isolation: a city that disagrees, for tests of the gateway's policy-conflict handling.
    case lenient
}
