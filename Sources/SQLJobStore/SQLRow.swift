/// One result row, read by column index in the order of the `SELECT` list.
///
/// Accessors throw ``SQLError`` rather than trap: a schema edited by hand must not crash the service.
public struct SQLRow: Sendable, Hashable {
    public var values: [SQLValue]

    public init(values: [SQLValue]) {
        self.values = values
    }

    public func value(_ index: Int) throws(SQLError) -> SQLValue {
        guard values.indices.contains(index) else {
            throw SQLError(.unexpectedResult, "column \(index) missing from a row of \(values.count)")
        }
        return values[index]
    }

    public func optionalInt64(_ index: Int) throws(SQLError) -> Int64? {
        try value(index).int64(column: index)
    }

    public func optionalDouble(_ index: Int) throws(SQLError) -> Double? {
        try value(index).double(column: index)
    }

    public func optionalString(_ index: Int) throws(SQLError) -> String? {
        try value(index).string
    }
}
