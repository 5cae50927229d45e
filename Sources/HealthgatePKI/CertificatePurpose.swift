/// An extended key usage a development certificate can carry: TLS server, TLS client, or both.
///
/// An empty set of purposes means the certificate carries no extended key usage extension at all.
public enum CertificatePurpose: String, Hashable, Sendable, CaseIterable {
    /// `id-kp-serverAuth`: may authenticate a TLS server.
    case serverAuth
    /// `id-kp-clientAuth`: may authenticate a TLS client.
    case clientAuth
}
