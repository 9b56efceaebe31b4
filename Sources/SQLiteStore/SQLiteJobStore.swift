public import Logging
public import ObservabilityCore
public import SQLJobStore

/// Opens the SQLite backend of the storage core.
public enum SQLiteJobStore {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    ///
    /// - Parameters:
    ///   - path: a file path, or a `file:` URI.
    ///   - synchronous: when commits wait for the disk; `full` (the default) survives a power cut.
    ///   - readerCount: read connections; WAL lets them read while the writer writes.
    public static func open(path: String, synchronous: SQLiteSynchronous = .full, readerCount: Int = 3, logger: Logger) async throws -> SQLJobStore {
        let writers = ConnectionPool(size: 1, label: "hpc-obs.sqlite.writer") { () throws(SQLError) in
            try SQLiteConnection(path: path, role: .writer, synchronous: synchronous)
        }
        let readers = ConnectionPool(size: readerCount, label: "hpc-obs.sqlite.reader") { () throws(SQLError) in
            try SQLiteConnection(path: path, role: .reader, synchronous: synchronous)
        }
        return try await SQLJobStore.migrated(dialect: SQLiteDialect(), writers: writers, readers: readers, logger: logger)
    }
}
