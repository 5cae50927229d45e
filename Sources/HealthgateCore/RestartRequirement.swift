import HealthgateConfig

/// What a reload cannot apply to a running gateway: the listeners' addresses and the client CAs are fixed when the
/// sockets and the TLS context are made, the database and the audit signer when storage opens; a new value there
/// needs a restart. (The certificate and key of `listen`, the cities, identities and timings are applied by a reload.)
public enum RestartRequirement {
    /// One sentence per key whose new value needs a restart, naming what stays in force until then; empty when none.
    public static func changes(from old: GatewayConfiguration, to new: GatewayConfiguration) -> [String] {
        var changes: [String] = []
        if old.listen.host != new.listen.host || old.listen.port != new.listen.port {
            changes.append("listen.host/listen.port changed to \(new.listen.host):\(new.listen.port); still listening on \(old.listen.host):\(old.listen.port)")
        }
        if old.ops.host != new.ops.host || old.ops.port != new.ops.port {
            changes.append("ops.host/ops.port changed to \(new.ops.host):\(new.ops.port); still on \(old.ops.host):\(old.ops.port)")
        }
        if old.listen.clientCAPaths != new.listen.clientCAPaths {
            changes.append("listen.clientCAs changed; connections are still checked against the \(old.listen.clientCAPaths.count) CA file(s) loaded at start")
        }
        if old.databasePath != new.databasePath {
            changes.append("database changed; still writing \(old.databasePath)")
        }
        if old.storage != new.storage {
            changes.append("storage changed; still using the storage opened at start (\(Self.describe(old.storage)))")
        }
        if old.audit.signingKeyPath != new.audit.signingKeyPath {
            changes.append("audit.signingKeyFile changed; heads are still signed with the key loaded at start")
        }
        return changes
    }

    /// `sqlite`, or `postgres` with the replica id (no host, user or password: the log is read by more people).
    static func describe(_ storage: StorageConfiguration) -> String {
        switch storage {
        case .sqlite: "sqlite"
        case .postgres(let postgres): "postgres, replica \(postgres.replicaId)"
        }
    }
}
