import HealthgateConfig

/// Who is calling, from the verified client certificate alone: subject, SHA-256 fingerprint, and the roles the
/// configuration gives it.
public struct CallerIdentity: Sendable {
    /// The certificate subject (RFC 4514).
    public var subject: String
    /// The subject's common name.
    public var commonName: String?
    /// Lower-case hex SHA-256 of the certificate's DER.
    public var fingerprint: String
    /// Every role the configuration maps this certificate to.
    public var roles: Set<Role>

    public init(subject: String, commonName: String?, fingerprint: String, roles: Set<Role>) {
        self.subject = subject
        self.commonName = commonName
        self.fingerprint = fingerprint
        self.roles = roles
    }
}
