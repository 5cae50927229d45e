import Foundation

extension ConfigValidator {
    /// The default `storage.poolSize`.
    static let defaultPoolSize = 4
    /// The largest `storage.poolSize` accepted: each replica's connections count against the server's
    /// `max_connections` (100 by default).
    static let maxPoolSize = 64

    /// `storage:` checked. Absent or `kind: sqlite` (with no other key): SQLite. `kind: postgres`: exactly one of
    /// `host` (with an optional `port`, default 5432) and `unixSocket`; `database` and `user`; at most one of
    /// `passwordFile` (readable) and `passwordEnv` (set); `tls.caBundle` a readable PEM bundle, and TLS only over
    /// TCP; `poolSize` 1…64; `replicaId` (default: the host name) of letters, digits and `.-_`, at most 63.
    mutating func validateStorage(_ value: ConfigFile.Storage?) -> StorageConfiguration {
        guard let value else { return .sqlite }
        switch value.kind ?? "sqlite" {
        case "sqlite":
            let postgresOnly: [(String, Bool)] = [
                ("host", value.host != nil), ("port", value.port != nil), ("unixSocket", value.unixSocket != nil),
                ("database", value.database != nil), ("user", value.user != nil),
                ("passwordFile", value.passwordFile != nil), ("passwordEnv", value.passwordEnv != nil),
                ("tls", value.tls != nil), ("poolSize", value.poolSize != nil), ("replicaId", value.replicaId != nil),
            ]
            for (key, given) in postgresOnly where given {
                fail("storage.\(key)", "only for kind: postgres (kind is sqlite)")
            }
            return .sqlite
        case "postgres":
            return postgres(value).map { .postgres($0) } ?? .sqlite
        case let other:
            fail("storage.kind", "unknown kind \(other) (sqlite, postgres)")
            return .sqlite
        }
    }

    /// `storage:` with `kind: postgres`; `nil` when wrong.
    private mutating func postgres(_ value: ConfigFile.Storage) -> PostgresConfiguration? {
        let before = issues.count
        var endpoint: PostgresConfiguration.Endpoint?
        switch (value.host, value.unixSocket) {
        case (let host?, nil):
            if host.isEmpty || host.contains(where: { $0 == "/" || $0.isWhitespace }) {
                fail("storage.host", "not a host name or address")
            }
            let port = value.port ?? 5432
            if !(1...65535).contains(port) { fail("storage.port", "not a port number") }
            endpoint = .tcp(host: host, port: port)
        case (nil, let socket?):
            if value.port != nil { fail("storage.port", "only with host (a unix socket's path names its port)") }
            if socket.isEmpty { fail("storage.unixSocket", "empty path") }
            if value.tls != nil { fail("storage.tls", "PostgreSQL has no TLS over a unix socket: use host and port") }
            endpoint = .unixSocket(path: resolve(socket))
        case (_?, _?):
            fail("storage.host", "give host or unixSocket, not both")
        case (nil, nil):
            fail("storage.host", "missing: give host (and port) or unixSocket")
        }
        let database = required(value.database, "storage.database") ?? ""
        if value.database != nil, database.isEmpty { fail("storage.database", "empty") }
        let user = required(value.user, "storage.user") ?? ""
        if value.user != nil, user.isEmpty { fail("storage.user", "empty") }

        var password = PostgresConfiguration.PasswordSource.none
        switch (value.passwordFile, value.passwordEnv) {
        case (_?, _?):
            fail("storage.passwordFile", "give passwordFile or passwordEnv, not both")
        case (let file?, nil):
            if let full = readableFile(file, "storage.passwordFile") { password = .file(full) }
        case (nil, let name?):
            if environment[name] == nil {
                fail("storage.passwordEnv", "environment variable \(name) is not set")
            } else {
                password = .environment(name)
            }
        case (nil, nil):
            break
        }

        var caBundlePath: String?
        if let tls = value.tls {
            if let full = readableFile(tls.caBundle, "storage.tls.caBundle") {
                if !caBundle(full, "storage.tls.caBundle", owner: "gateway").isEmpty { caBundlePath = full }
            }
        }

        let poolSize = value.poolSize ?? Self.defaultPoolSize
        if !(1...Self.maxPoolSize).contains(poolSize) {
            fail("storage.poolSize", "must be from 1 to \(Self.maxPoolSize)")
        }

        let replicaId = value.replicaId ?? ProcessInfo.processInfo.hostName
        if !Self.isReplicaId(replicaId) {
            fail("storage.replicaId", value.replicaId == nil
                ? "the host name is not a usable replica id: set replicaId (letters, digits and .-_, at most 63)"
                : "letters, digits and .-_ only, 1 to 63 characters")
        }

        guard issues.count == before, let endpoint else { return nil }
        return PostgresConfiguration(endpoint: endpoint, database: database, user: user, password: password,
                                     caBundlePath: caBundlePath, poolSize: poolSize, replicaId: replicaId)
    }

    /// Whether `id` can name a replica: 1…63 ASCII letters, digits, `.`, `-`, `_`.
    static func isReplicaId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 63 && id.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }
}
