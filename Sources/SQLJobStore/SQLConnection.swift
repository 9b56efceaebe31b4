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
