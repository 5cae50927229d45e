#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns an IPv4 or IPv6 address in text form into its network-order bytes, for an IP subject alternative name.
enum IPAddressBytes {
    /// The 4 or 16 bytes of `text`, or a `DevPKIError` if it is not an IP address.
    static func parse(_ text: String) throws(DevPKIError) -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        throw DevPKIError(.invalidIPAddress, "not an IP address: \(text)")
    }
}
