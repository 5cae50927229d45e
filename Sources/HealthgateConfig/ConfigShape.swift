/// The shape a configuration file may have: which keys each mapping may hold, at every depth. Keys come from the
/// `ConfigFile` types themselves (their stored properties), so a field added there is a key allowed here.
indirect enum ConfigShape: Sendable {
    /// A scalar (its type is the decoder's to check).
    case value
    /// A sequence whose items have `item`'s shape.
    case list(ConfigShape)
    /// A mapping with names of the operator's choosing (the `cities:` keys), each value of `item`'s shape.
    case table(ConfigShape)
    /// A mapping that may hold exactly `keys`; `nested` gives the shape of keys that are not scalars.
    case object(keys: [String], nested: [String: ConfigShape])

    /// The stored property names of `value`, in declaration order: the keys a synthesized `Codable` reads.
    static func keys(of value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label)
    }

    /// The shape of the gateway's configuration file (`ConfigFile`). Every member that is a mapping or a list needs
    /// its entry in `nested` (a test checks that none is missing), or its keys would go unchecked.
    static let gateway: ConfigShape = .object(keys: keys(of: ConfigFile()), nested: [
        "listen": .object(keys: keys(of: ConfigFile.Listen()), nested: ["clientCAs": .list(.value)]),
        "identities": .list(.object(keys: keys(of: ConfigFile.Identity()), nested: [:])),
        "cities": .table(.object(keys: keys(of: ConfigFile.City()), nested: [
            "support": .object(keys: keys(of: ConfigFile.Support()), nested: [:]),
        ])),
        "audit": .object(keys: keys(of: ConfigFile.Audit()), nested: [:]),
        "ops": .object(keys: keys(of: ConfigFile.Ops()), nested: [:]),
        "breaker": .object(keys: keys(of: ConfigFile.Breaker()), nested: [:]),
        "bulkhead": .object(keys: keys(of: ConfigFile.Bulkhead()), nested: [:]),
        "retryBudget": .object(keys: keys(of: ConfigFile.RetryBudget()), nested: [:]),
        "storage": .object(keys: keys(of: ConfigFile.Storage()), nested: [
            "tls": .object(keys: keys(of: ConfigFile.StorageTLS()), nested: [:]),
        ]),
    ])
}
