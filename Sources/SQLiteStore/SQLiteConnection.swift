import CSQLite
import ObservabilityCore
import SQLJobStore

/// One connection to a SQLite database file, through libsqlite3.
///
/// Every connection waits up to ``busyTimeoutMilliseconds`` for another process's write lock
/// (hooks and the server share the file), enforces foreign keys, and caches its prepared
/// statements. The writer switches the file to WAL so readers never block it.
final class SQLiteConnection: SQLConnection {
    enum Role {
        case writer
        case reader
    }

    /// How long a writer waits for another process's lock before reporting busy. Hooks run
    /// with a 2 s deadline, so they bound their own wait; the server retries on top.
    static let busyTimeoutMilliseconds: Int32 = 5_000

    private var database: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, role: Role, synchronous: SQLiteSynchronous) throws(SQLError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLError(
                .connection,
                "cannot open SQLite database '\(path)': \(message); check that its directory exists and is writable by this user"
            )
        }
        database = handle
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
        do {
            try executeScript("PRAGMA foreign_keys = ON; PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL");")
            switch role {
            case .writer:
                try executeScript("PRAGMA journal_mode = WAL;")
            case .reader:
                try executeScript("PRAGMA query_only = ON;")
            }
        } catch {
            close()
            throw error
        }
    }

    var isUsable: Bool { database != nil }

    func run(_ sql: String, _ binds: [SQLValue], onRow: (SQLRow) throws(SQLError) -> Void) throws(SQLError) -> Int {
        try step(sql, binds) { statement throws(SQLError) in try onRow(readRow(statement)) }
    }

    func scan(_ sql: String, _ binds: [SQLValue], _ body: (any SQLColumns) throws(SQLError) -> Void) throws(SQLError) {
        _ = try step(sql, binds) { statement throws(SQLError) in try body(SQLiteColumns(statement: statement)) }
    }

    /// Binds, steps through the rows handing each to `row` while it is current, and returns
    /// how many rows the statement changed.
    private func step(_ sql: String, _ binds: [SQLValue], row: (OpaquePointer) throws(SQLError) -> Void) throws(SQLError) -> Int {
        guard let database else { throw SQLError(.connection, "the SQLite connection is closed") }
        let statement = try prepared(sql, on: database)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            try bind(value, at: Int32(offset + 1), to: statement, on: database)
        }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(on: database, status: status, sql: sql) }
            try row(statement)
        }
        return sqlite3_stmt_readonly(statement) != 0 ? 0 : Int(sqlite3_changes64(database))
    }

    func executeScript(_ sql: String) throws(SQLError) {
        guard let database else { throw SQLError(.connection, "the SQLite connection is closed") }
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(database, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(database))
            sqlite3_free(message)
            throw Self.classify(extendedCode: sqlite3_extended_errcode(database), message: text)
        }
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let database { sqlite3_close_v2(database) }
        database = nil
    }

    // MARK: Statements

    private func prepared(_ sql: String, on database: OpaquePointer) throws(SQLError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        // Shared SQL numbers parameters `$1`; SQLite's numbered form of the same is `?1`.
        let sqliteSQL = sql.replacing("$", with: "?")
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database, sqliteSQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(on: database, status: status, sql: sql)
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLValue, at index: Int32, to statement: OpaquePointer, on database: OpaquePointer) throws(SQLError) {
        let status: Int32
        switch value {
        case .null:
            status = sqlite3_bind_null(statement, index)
        case .integer(let integer):
            status = sqlite3_bind_int64(statement, index, integer)
        case .double(let double):
            status = sqlite3_bind_double(statement, index, double)
        case .text(var text):
            status = text.withUTF8 { bytes in
                // An empty buffer may have no address; SQLite would read a nil pointer as NULL.
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return hpc_sqlite3_bind_text_transient(statement, index, "", 0)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    hpc_sqlite3_bind_text_transient(statement, index, $0, Int32(bytes.count))
                }
            }
        }
        if status != SQLITE_OK { throw error(on: database, status: status, sql: "bind #\(index)") }
    }

    private func readRow(_ statement: OpaquePointer) -> SQLRow {
        let columns = SQLiteColumns(statement: statement)
        return SQLRow(values: (0..<columns.count).map(columns.value))
    }

    // MARK: Errors

    private func error(on database: OpaquePointer, status: Int32, sql: String) -> SQLError {
        let message = String(cString: sqlite3_errmsg(database))
        return Self.classify(extendedCode: sqlite3_extended_errcode(database), message: "\(message) (in: \(sql.prefix(120)))")
    }

    static func classify(extendedCode: Int32, message: String) -> SQLError {
        switch extendedCode {
        case Int32(HPC_SQLITE_CONSTRAINT_PRIMARYKEY), Int32(HPC_SQLITE_CONSTRAINT_UNIQUE):
            return SQLError(.uniqueViolation, message)
        case Int32(HPC_SQLITE_CONSTRAINT_FOREIGNKEY):
            return SQLError(.foreignKeyViolation, message)
        default:
            break
        }
        switch extendedCode & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return SQLError(.busy, message)
        case SQLITE_CANTOPEN, SQLITE_NOTADB:
            return SQLError(.connection, message)
        case SQLITE_FULL:
            return SQLError(.diskFull, message)
        default:
            return SQLError(.other, message)
        }
    }
}

/// The current row of a stepped statement, read in place: numbers and short texts without
/// an allocation, which matters for a page of jobs and a job's every sample.
private struct SQLiteColumns: SQLColumns {
    let statement: OpaquePointer
    /// Read once: an index past it is undefined behaviour in SQLite, so every access checks.
    let count: Int

    init(statement: OpaquePointer) {
        self.statement = statement
        count = Int(sqlite3_column_count(statement))
    }

    private func type(_ index: Int) throws(SQLError) -> Int32 {
        try checkIndex(index)
        return sqlite3_column_type(statement, Int32(index))
    }

    private func checkIndex(_ index: Int) throws(SQLError) {
        guard index >= 0, index < count else {
            throw SQLError(.unexpectedResult, "column \(index) missing from a row of \(count)")
        }
    }

    /// The column as it is stored; `index` is within ``count``.
    func value(_ index: Int) -> SQLValue {
        switch sqlite3_column_type(statement, Int32(index)) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, Int32(index)))
        case SQLITE_FLOAT: .double(sqlite3_column_double(statement, Int32(index)))
        case SQLITE_NULL: .null
        default: .text(text(index) ?? "")
        }
    }

    /// Nil for NULL. (SQLite also gives no text when out of memory, and then fails the step.)
    private func text(_ index: Int) -> String? {
        // Text first, then its length: SQLite's order for a value it may have to convert.
        guard let text = sqlite3_column_text(statement, Int32(index)) else { return nil }
        let length = Int(sqlite3_column_bytes(statement, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
    }

    func optionalInt64(_ index: Int) throws(SQLError) -> Int64? {
        switch try type(index) {
        case SQLITE_NULL: nil
        case SQLITE_INTEGER: sqlite3_column_int64(statement, Int32(index))
        default: try value(index).int64(column: index)
        }
    }

    func optionalDouble(_ index: Int) throws(SQLError) -> Double? {
        switch try type(index) {
        case SQLITE_NULL: nil
        case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_column_double(statement, Int32(index))
        default: try value(index).double(column: index)
        }
    }

    /// A number stored where text was expected comes back as SQLite writes it.
    func optionalString(_ index: Int) throws(SQLError) -> String? {
        try checkIndex(index)
        // Without asking the type first: one call fewer on every text column of a page of jobs.
        return text(index)
    }
}
