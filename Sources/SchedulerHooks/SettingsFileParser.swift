import LocalFiles

/// `KEY=VALUE` lines, as in `/etc/hpc-obs/hpc-obs.conf` and systemd's `EnvironmentFile`.
///
/// Blank lines and lines starting with `#` are skipped; a value may be wrapped in single or
/// double quotes; `export KEY=VALUE` is accepted so the same file can be sourced by a shell.
public enum SettingsFileParser {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var description: String { "line \(line): '\(text.prefix(80))' is not KEY=VALUE" }
    }

    public static func parse(_ text: String) -> (values: [String: String], problems: [Problem]) {
        var values: [String: String] = [:]
        var problems: [Problem] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "="),
                case let key = line[..<equals].trimmingWhitespace(),
                !key.isEmpty,
                key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                problems.append(Problem(line: index + 1, text: String(rawLine)))
                continue
            }
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            values[String(key)] = String(value)
        }
        return (values, problems)
    }
}
