/// A value bound to, or read from, a SQL statement. The four types both backends share.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
}

extension SQLValue {
    init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    init(_ value: Double?) { self = value.map(SQLValue.double) ?? .null }
}

extension SQLValue {
    /// The value as an integer, as every backend reads one: a whole number stored as a float
    /// or as text is taken, anything else is an error naming the column.
    public func int64(column: Int) throws(SQLError) -> Int64? {
        switch self {
        case .null: return nil
        case .integer(let value): return value
        case .double(let value) where value == value.rounded() && abs(value) < 9.2e18: return Int64(value)
        case .text(let text):
            guard let value = Int64(text) else { throw SQLError(.unexpectedResult, "column \(column) holds '\(text.prefix(64))', not an integer") }
            return value
        case .double(let value): throw SQLError(.unexpectedResult, "column \(column) holds \(value), not an integer")
        }
    }

    public func double(column: Int) throws(SQLError) -> Double? {
        switch self {
        case .null: return nil
        case .integer(let value): return Double(value)
        case .double(let value): return value
        case .text(let text):
            guard let value = Double(text) else { throw SQLError(.unexpectedResult, "column \(column) holds '\(text.prefix(64))', not a number") }
            return value
        }
    }

    public var string: String? {
        switch self {
        case .null: return nil
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        }
    }
}
