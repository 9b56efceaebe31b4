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
        switch try value(index) {
        case .null: return nil
        case .integer(let value): return value
        case .double(let value) where value == value.rounded() && abs(value) < 9.2e18: return Int64(value)
        case .text(let text):
            guard let value = Int64(text) else { throw SQLError(.unexpectedResult, "column \(index) holds '\(text)', not an integer") }
            return value
        case .double(let value): throw SQLError(.unexpectedResult, "column \(index) holds \(value), not an integer")
        }
    }

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

    public func optionalDouble(_ index: Int) throws(SQLError) -> Double? {
        switch try value(index) {
        case .null: return nil
        case .integer(let value): return Double(value)
        case .double(let value): return value
        case .text(let text):
            guard let value = Double(text) else { throw SQLError(.unexpectedResult, "column \(index) holds '\(text)', not a number") }
            return value
        }
    }

    public func double(_ index: Int) throws(SQLError) -> Double {
        guard let value = try optionalDouble(index) else { throw SQLError(.unexpectedResult, "column \(index) is NULL") }
        return value
    }

    public func optionalString(_ index: Int) throws(SQLError) -> String? {
        switch try value(index) {
        case .null: return nil
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        }
    }

    public func string(_ index: Int) throws(SQLError) -> String {
        guard let value = try optionalString(index) else { throw SQLError(.unexpectedResult, "column \(index) is NULL") }
        return value
    }
}
