public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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
    /// Makes room for the samples of the days around `now` ahead of their arrival (PostgreSQL's
    /// day partitions). Runs in a write transaction, at open and at each retention pass.
    func prepareSampleStorage(now: Date, on connection: any SQLConnection) throws(SQLError)
    /// Drops whole stretches of samples that end at or before `cutoff` (PostgreSQL's day
    /// partitions) and returns how many samples they held; what is left older than `cutoff`
    /// is deleted row by row with ``deleteOldSamplesChunk``.
    func dropSamples(before cutoff: Date, on connection: any SQLConnection) throws(SQLError) -> Int
    /// The statement that folds the rows of `job_state_deltas` into one a state, run in a
    /// write transaction; nil where each state keeps one row already.
    var foldJobStateCountsSQL: String? { get }
    /// Whether the database groups a job's samples into steps itself. PostgreSQL does it in
    /// SQL; SQLite would sort every sample first (`GROUP BY` on a computed step), so for it
    /// the store folds the samples, read in index order, into steps.
    var groupsSampleSteps: Bool { get }
    /// Statements run in the read transaction before reading a job's samples, raw or grouped.
    var sampleReadSettings: [String] { get }
    /// Appended to a text expression in `ORDER BY` to sort by bytes, as SQLite does by default.
    var byteOrder: String { get }
}

extension SQLDialect {
    /// SQLite keeps samples in one table.
    public func prepareSampleStorage(now: Date, on connection: any SQLConnection) throws(SQLError) {}

    public func dropSamples(before cutoff: Date, on connection: any SQLConnection) throws(SQLError) -> Int { 0 }

    /// SQLite keeps a row a state, changed in place: there is nothing to fold.
    public var foldJobStateCountsSQL: String? { nil }

    public var groupsSampleSteps: Bool { false }

    public var sampleReadSettings: [String] { [] }

    public var byteOrder: String { "" }
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
