public import Logging
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLJobStore {
    /// A store whose schema is at this build's version; closed again when migration fails.
    public static func migrated(dialect: any SQLDialect, writers: ConnectionPool, readers: ConnectionPool, logger: Logger) async throws -> SQLJobStore
    {
        let store = SQLJobStore(dialect: dialect, writers: writers, readers: readers, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        do {
            try await store.prepareSampleStorage()
        } catch {
            // Samples still go in (to the default partition); the next retention pass tries again.
            logger.warning("cannot prepare the coming days' sample partitions", metadata: ["error": "\(error)"])
        }
        return store
    }

    /// Brings the schema to this build's version, in one transaction.
    ///
    /// The dialect's migration lock (SQLite's write lock, a PostgreSQL advisory lock) makes a
    /// second process that starts at the same moment wait, then find the work done.
    /// A database migrated by a newer build is refused rather than misread.
    public func migrate() async throws {
        let migrations = dialect.migrations
        let dialect = self.dialect
        let applied: [Int] = try await write { connection in
            try dialect.lockMigrations(on: connection)
            try connection.executeScript(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_us BIGINT NOT NULL)"
            )
            let known = Set(try connection.execute("SELECT version FROM schema_migrations").rows.map { try $0.int(0) })
            let latest = migrations.last?.version ?? 0
            if let newest = known.max(), newest > latest {
                throw StoreError(
                    .migrationFailed,
                    "the database schema is at version \(newest), newer than this build's \(latest); run a newer hpc-obs or point DATABASE_URL elsewhere"
                )
            }
            var appliedNow: [Int] = []
            for migration in migrations where !known.contains(migration.version) {
                do {
                    try connection.executeScript(migration.sql)
                } catch let error as SQLError {
                    throw StoreError(.migrationFailed, "migration \(migration.version) (\(migration.description)) failed: \(error.message)")
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, description, applied_us) VALUES ($1, $2, $3)",
                    [.integer(Int64(migration.version)), .text(migration.description), SQLTime.value(Date())]
                )
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
        if !applied.isEmpty {
            logger.info("applied schema migrations", metadata: ["versions": "\(applied)"])
        }
    }
}
