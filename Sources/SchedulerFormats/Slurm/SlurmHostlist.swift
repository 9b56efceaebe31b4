/// Slurm's compressed host lists: `cn[001-003,007],gpu01`, `rack[1-2]-n[1-2]`.
///
/// Hooks on the controller and the poller receive node lists in this form; jobs store plain
/// node names so they can be filtered by node.
public enum SlurmHostlist {
    /// The most names one list may expand to: a typo such as `n[1-999999999]` must not take the
    /// hook's memory or its deadline.
    public static let defaultLimit = 100_000

    /// Expands `expression` into node names, in order, without duplicates removed.
    public static func expand(_ expression: String, field: String = "nodelist", limit: Int = defaultLimit) throws(SchedulerFormatError) -> [String] {
        // Host names are ASCII; past it, a combining mark after `,` or `[` would make one
        // character of both, and the separator would go unseen.
        guard expression.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw SchedulerFormatError(field: field, value: expression, reason: "node names are ASCII")
        }
        var names: [String] = []
        for item in try splitTopLevel(expression, field: field) where !item.isEmpty {
            try expandItem(Substring(item), prefix: "", into: &names, field: field, whole: expression, limit: limit)
        }
        return names
    }

    /// Splits at commas outside brackets.
    private static func splitTopLevel(_ expression: String, field: String) throws(SchedulerFormatError) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        for character in expression {
            switch character {
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth < 0 { throw SchedulerFormatError(field: field, value: expression, reason: "']' without '['") }
            case "," where depth == 0:
                items.append(current)
                current = ""
                continue
            case " ", "\t", "\n":
                throw SchedulerFormatError(field: field, value: expression, reason: "node names hold no white space")
            default: break
            }
            current.append(character)
        }
        if depth != 0 { throw SchedulerFormatError(field: field, value: expression, reason: "'[' without ']'") }
        items.append(current)
        return items
    }

    private static func expandItem(
        _ item: Substring,
        prefix: String,
        into names: inout [String],
        field: String,
        whole: String,
        limit: Int
    ) throws(SchedulerFormatError) {
        guard let open = item.firstIndex(of: "[") else {
            if names.count >= limit {
                throw SchedulerFormatError(field: field, value: whole, reason: "expands to more than \(limit) names")
            }
            names.append(prefix + item)
            return
        }
        guard let close = item[open...].firstIndex(of: "]") else {
            throw SchedulerFormatError(field: field, value: whole, reason: "'[' without ']'")
        }
        let head = prefix + item[..<open]
        let rest = item[item.index(after: close)...]
        for range in item[item.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false) {
            for number in try numbers(in: range, field: field, whole: whole, limit: limit) {
                try expandItem(rest, prefix: head + number, into: &names, field: field, whole: whole, limit: limit)
            }
        }
    }

    /// `007` or `001-003` as zero-padded strings; the width is that of the first number.
    private static func numbers(in range: Substring, field: String, whole: String, limit: Int) throws(SchedulerFormatError) -> [String] {
        let bounds = range.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = bounds.first, let low = Int(first), low >= 0, first.allSatisfy(\.isASCII) else {
            throw SchedulerFormatError(field: field, value: whole, reason: "'\(range)' is not a number or a range such as 1-4")
        }
        var high = low
        if bounds.count == 2 {
            guard let last = Int(bounds[1]), last >= low else {
                throw SchedulerFormatError(field: field, value: whole, reason: "'\(range)' is not a rising range such as 1-4")
            }
            high = last
        }
        guard high - low < limit else {
            throw SchedulerFormatError(field: field, value: whole, reason: "expands to more than \(limit) names")
        }
        let width = first.count
        return (low...high).map { value in
            let digits = String(value)
            return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        }
    }
}
