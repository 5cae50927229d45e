import Crypto
import HealthgateModel

/// What a cached answer is for: the issuer, the code as the issuer's adapter keys it (the exact code, or a holder id
/// whose signature the gateway checked), and the scene when the issuer decides per scene. Only a lookup with the same
/// three gets the answer; the key is stored as a SHA-256 digest, never as the code.
public struct CacheKey: Hashable, Sendable {
    /// The issuing city.
    public var issuer: RegionCode
    /// The adapter's cache key of the code (`CityAdapter.cacheKey(for:)`).
    public var code: String
    /// The checkpoint's scene where the issuer's answer may depend on it; `nil` where it cannot.
    public var scene: String?

    public init(issuer: RegionCode, code: String, scene: String?) {
        self.issuer = issuer
        self.code = code
        self.scene = scene
    }

    /// The stored form: SHA-256 over a domain, the issuer, the scene and the code, each length-prefixed.
    var digest: [UInt8] {
        var hasher = SHA256()
        for part in ["healthgate-cache-v2", issuer.rawValue, scene ?? "", code] {
            let bytes = Array(part.utf8)
            var length = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return Array(hasher.finalize())
    }
}
