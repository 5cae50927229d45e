import Foundation
import HealthgateConfig
import HealthgateCore
import Testing

/// A reload cannot move a running gateway to another store: `storage:` changes are reported as needing a restart.
@Suite("restart requirement: storage")
struct StorageRestartRequirementTests {
    @Test("sqlite → postgres is a restart, named without host or user; an unchanged storage is not")
    func storageChangeNeedsRestart() async throws {
        let cities = try await CityFederation.start()
        do {
            try check(cities)
        } catch {
            await cities.stop()
            throw error
        }
        await cities.stop()
    }

    func check(_ cities: CityFederation) throws {
        let old = try ConfigLoader().load(path: cities.configPath)
        let yaml = try String(contentsOfFile: cities.configPath, encoding: .utf8)
        try (yaml + "\nstorage: {kind: postgres, host: db.internal, database: hg, user: gw, replicaId: hz-1}\n")
            .write(toFile: cities.configPath, atomically: true, encoding: .utf8)
        let new = try ConfigLoader().load(path: cities.configPath)
        let changes = RestartRequirement.changes(from: old, to: new)
        #expect(changes == ["storage changed; still using the storage opened at start (sqlite)"])
        #expect(RestartRequirement.changes(from: new, to: new).isEmpty)
        let back = RestartRequirement.changes(from: new, to: old)
        #expect(back.first?.contains("postgres, replica hz-1") == true)
        #expect(back.first?.contains("db.internal") == false)
    }
}
