import HealthgateModel

extension GatewayConfiguration {
    /// The city that issued codes of `region`, as explanations name it: its configured name and health-code service
    /// (`support:`), or only its region when it is not configured.
    public func issuingCity(_ region: RegionCode) -> IssuingCity {
        let city = city(region: region)
        return IssuingCity(region: region, configuredName: city?.name, support: city?.support)
    }
}
