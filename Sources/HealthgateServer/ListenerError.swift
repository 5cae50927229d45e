import Foundation
import NIOCore

/// A listener that could not start: which configuration keys name it, the address, and why, in words an operator can
/// act on (`cannot listen on 127.0.0.1:8443 (listen.host, listen.port): address already in use`).
public struct ListenerError: Error, Sendable, CustomStringConvertible {
    /// The stable machine code of this error.
    public static let code = "listen-failed"
    /// The configuration keys of the address (`listen.port`).
    public var keys: String
    /// `host:port` as configured.
    public var address: String
    /// Why, without an errno or a function name.
    public var reason: String

    public init(keys: String, address: String, reason: String) {
        self.keys = keys
        self.address = address
        self.reason = reason
    }

    /// The error of a failed bind of `address`, from what NIO threw.
    public init(keys: String, address: String, error: any Error) {
        self.keys = keys
        self.address = address
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: reason = "address already in use: another process listens there; stop it or change the port"
            case EACCES: reason = "permission denied: ports below 1024 need privileges; choose a higher port"
            case EADDRNOTAVAIL: reason = "address not available on this host: check the host"
            default: reason = String(cString: strerror(io.errnoCode))
            }
        } else {
            reason = "\(type(of: error))"
        }
    }

    public var description: String { "cannot listen on \(address) (\(keys)): \(reason)" }
}
