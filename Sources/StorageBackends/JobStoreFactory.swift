public import Logging
public import ObservabilityCore
import PostgresStore
import SQLiteStore

/// Opens the backend a ``DatabaseConfiguration`` names, migrated and ready.
///
/// The one place that knows every backend, so the server, the hooks and the tools open stores
/// the same way.
public enum JobStoreFactory {
    /// - Parameter postgresPoolSize: PostgreSQL connections at most (SQLite always has one writer).
    public static func open(_ configuration: DatabaseConfiguration, postgresPoolSize: Int = 4, logger: Logger) async throws -> any JobStore {
        switch configuration {
        case .sqlite(let path, let synchronous):
            try await SQLiteJobStore.open(path: path, synchronous: synchronous, logger: logger)
        case .postgres(let connectionString):
            try await PostgresJobStore.open(connectionString: connectionString, poolSize: postgresPoolSize, logger: logger)
        }
    }
}

extension JobStoreFactory {
    /// Who polls `name` (a scheduler's cluster) among the replicas on this database: on
    /// PostgreSQL, an advisory lock; on SQLite, whose file one server owns, always this one.
    public static func pollerLeadership(_ configuration: DatabaseConfiguration, name: String) -> any PollerLeadership {
        switch configuration {
        case .sqlite: SoleLeadership()
        case .postgres(let connectionString): PostgresLeadership(connectionString: connectionString, name: name)
        }
    }
}

extension DatabaseConfiguration {
    /// The location without secrets, for logs and errors: a SQLite path as it is, a PostgreSQL
    /// connection string through ``PostgresConnectionString/redacted(_:)``.
    public var redactedDescription: String {
        switch self {
        case .sqlite(let path, _): "sqlite:\(path)"
        case .postgres(let connectionString): "postgres:" + PostgresConnectionString.redacted(connectionString)
        }
    }
}
