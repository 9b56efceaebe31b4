/// What differs between the SQL backends. Everything else in ``SQLJobStore`` is shared.
public protocol SQLDialect: Sendable {
    /// Starts a transaction that will write. SQLite uses `BEGIN IMMEDIATE` to take the write
    /// lock up front, so that two processes never deadlock upgrading a read lock.
    var beginWrite: String { get }
    /// Starts a transaction that only reads, with one consistent snapshot.
    var beginRead: String { get }
    /// Appended to a `SELECT` of the row a transaction is about to change.
    var lockRowSuffix: String { get }
    /// The schema history, oldest first. Versions are consecutive from 1.
    var migrations: [SQLMigration] { get }
    /// Runs inside the migration transaction, before the applied versions are read, so that
    /// two processes starting together apply each migration once.
    func lockMigrations(on connection: any SQLConnection) throws(SQLError)
    /// Deletes at most `limit` samples older than `$1`; `$2` is the limit. Chunked so that
    /// retention never holds the write lock for long.
    var deleteOldSamplesChunk: String { get }
}

/// One step of the schema.
public struct SQLMigration: Sendable {
    public let version: Int
    public let description: String
    public let sql: String

    public init(version: Int, description: String, sql: String) {
        self.version = version
        self.description = description
        self.sql = sql
    }
}
