/// What a statement returned: rows for a query, a count for a change.
public struct SQLResult: Sendable {
    public var rows: [SQLRow]
    public var affectedRows: Int

    public init(rows: [SQLRow] = [], affectedRows: Int = 0) {
        self.rows = rows
        self.affectedRows = affectedRows
    }
}
