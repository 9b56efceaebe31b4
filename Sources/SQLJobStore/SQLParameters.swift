/// Collects the parameters of a statement built from optional parts, numbering placeholders.
struct SQLParameters {
    private(set) var values: [SQLValue] = []

    /// Adds a value and returns its placeholder, `$1` for the first.
    mutating func add(_ value: SQLValue) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
