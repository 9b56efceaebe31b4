public import Logging
public import SQLJobStore

/// Opens the PostgreSQL backend of the storage core.
public enum PostgresJobStore {
    /// Connects lazily (the first operation opens the first connection) and migrates.
    ///
    /// - Parameters:
    ///   - connectionString: a `postgres://` URL or libpq `key=value` pairs.
    ///   - poolSize: connections at most; also how many operations run at once.
    public static func open(connectionString: String, poolSize: Int = 4, logger: Logger) async throws -> SQLJobStore {
        let pool = ConnectionPool(size: poolSize, label: "hpc-obs.postgres") { () throws(SQLError) in
            try PostgresConnection(connectionString: connectionString)
        }
        return try await SQLJobStore.migrated(dialect: PostgresDialect(), writers: pool, readers: pool, logger: logger)
    }
}

extension PostgresJobStore {
    /// Runs an administrative script (`CREATE SCHEMA …`) on a connection of its own, outside
    /// any store: what setup tools and tests need before a store can open.
    public static func executeScript(_ sql: String, connectionString: String) throws {
        let connection = try PostgresConnection(connectionString: connectionString)
        defer { connection.close() }
        try connection.executeScript(sql)
    }
}
