/// Runs `operation`, or throws `PostgresStoreError.unavailable` once `limit` has passed (the operation is cancelled).
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw PostgresStoreError(.unavailable, "\(what) did not finish within \(limit)")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else {
            throw PostgresStoreError(.unavailable, "\(what) did not finish")
        }
        return first
    }
}
