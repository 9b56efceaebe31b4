public import Logging
public import SQLJobStore

/// Opens the SQLite backend of the storage core.
public enum SQLiteJobStore {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    ///
    /// - Parameters:
    ///   - path: a file path, or a `file:` URI.
    ///   - readerCount: read connections; WAL lets them read while the writer writes.
    public static func open(path: String, readerCount: Int = 3, logger: Logger) async throws -> SQLJobStore {
        let writers = ConnectionPool(size: 1, label: "hpc-obs.sqlite.writer") { () throws(SQLError) in
            try SQLiteConnection(path: path, role: .writer)
        }
        let readers = ConnectionPool(size: readerCount, label: "hpc-obs.sqlite.reader") { () throws(SQLError) in
            try SQLiteConnection(path: path, role: .reader)
        }
        return try await SQLJobStore.migrated(dialect: SQLiteDialect(), writers: writers, readers: readers, logger: logger)
    }
}
