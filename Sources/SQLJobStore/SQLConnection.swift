/// One open database connection, used by one thread at a time (the pool guarantees it).
///
/// SQL is written once for both backends with PostgreSQL-style `$1`, `$2` placeholders, numbered
/// in order; a backend that spells them otherwise rewrites them when it prepares a statement.
/// Implementations cache prepared statements by SQL text, so callers keep their SQL constant
/// or drawn from a small set (see ``SQLBatch``).
public protocol SQLConnection: AnyObject {
    /// Runs one statement with its parameters, handing each result row to `onRow` as it is
    /// read; returns how many rows the statement changed.
    func run(_ sql: String, _ binds: [SQLValue], onRow: (SQLRow) throws(SQLError) -> Void) throws(SQLError) -> Int

    /// Runs a query and hands each row's columns to `body` as they are read, without copying
    /// the row first: for scans of many rows (a job's every sample). The columns are valid
    /// only during the call.
    func scan(_ sql: String, _ binds: [SQLValue], _ body: (any SQLColumns) throws(SQLError) -> Void) throws(SQLError)

    /// Runs a script of several statements without parameters (migrations).
    func executeScript(_ sql: String) throws(SQLError)

    /// False once the connection broke; the pool replaces it.
    var isUsable: Bool { get }

    /// Releases the connection. Called once, from the connection's own thread.
    func close()
}

extension SQLConnection {
    /// Runs one statement and collects its rows.
    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue] = []) throws(SQLError) -> SQLResult {
        var rows: [SQLRow] = []
        let changed = try run(sql, binds) { row throws(SQLError) in rows.append(row) }
        return SQLResult(rows: rows, affectedRows: changed)
    }

    /// Runs a query and hands over each row as it is read, so that a large result (every
    /// running job, for a scrape) is never held as rows and as decoded values at once.
    public func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (SQLRow) throws(SQLError) -> Void) throws(SQLError) {
        _ = try run(sql, binds, onRow: body)
    }
}

extension SQLConnection {
    /// Row by row, through ``SQLRow``: for backends without a cheaper way.
    public func scan(_ sql: String, _ binds: [SQLValue], _ body: (any SQLColumns) throws(SQLError) -> Void) throws(SQLError) {
        _ = try run(sql, binds) { row throws(SQLError) in try body(row) }
    }
}

/// A result row's columns, read by index in the order of the `SELECT` list; a value of
/// another type than asked for, or a NULL where one is not allowed, is an ``SQLError``.
///
/// Backends give the three optional reads; the others follow from them, the same for a
/// row read in place (``SQLConnection/scan(_:_:_:)``) as for a copied ``SQLRow``.
public protocol SQLColumns {
    func optionalInt64(_ index: Int) throws(SQLError) -> Int64?
    func optionalDouble(_ index: Int) throws(SQLError) -> Double?
    func optionalString(_ index: Int) throws(SQLError) -> String?
}

extension SQLColumns {
    public func int64(_ index: Int) throws(SQLError) -> Int64 {
        guard let value = try optionalInt64(index) else { throw SQLError(.unexpectedResult, "column \(index) is NULL") }
        return value
    }

    public func optionalInt(_ index: Int) throws(SQLError) -> Int? {
        try optionalInt64(index).map { Int($0) }
    }

    public func int(_ index: Int) throws(SQLError) -> Int {
        Int(try int64(index))
    }

    public func double(_ index: Int) throws(SQLError) -> Double {
        guard let value = try optionalDouble(index) else { throw SQLError(.unexpectedResult, "column \(index) is NULL") }
        return value
    }

    public func string(_ index: Int) throws(SQLError) -> String {
        guard let value = try optionalString(index) else { throw SQLError(.unexpectedResult, "column \(index) is NULL") }
        return value
    }
}

extension SQLRow: SQLColumns {}
