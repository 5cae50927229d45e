/// Whom a traveller asks about a colour: the issuing city's health-code service, as the configuration names it
/// (`support: {phone, url}` under a city). Either part may be absent; an explanation names only what is configured.
public struct SupportContact: Hashable, Codable, Sendable {
    /// The service's telephone number, as it should be read out (`12345`).
    public var phone: String?
    /// The service's web page (`https://…`).
    public var url: String?

    /// A contact with what is known of it.
    public init(phone: String? = nil, url: String? = nil) {
        self.phone = phone
        self.url = url
    }

    /// Whether there is nothing to name.
    public var isEmpty: Bool { phone == nil && url == nil }
}
