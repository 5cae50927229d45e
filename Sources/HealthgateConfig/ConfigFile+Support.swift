extension ConfigFile {
    /// `support:` under a city: the city's health-code service, which explanations name to a traveller its colour
    /// refuses. Both keys are optional, but at least one must be given; see `ConfigValidator.support`.
    public struct Support: Codable, Sendable {
        /// The service's telephone number as it is read out: digits, spaces and `+-()`.
        public var phone: String?
        /// The service's web page, an `https://` URL.
        public var url: String?
    }
}
