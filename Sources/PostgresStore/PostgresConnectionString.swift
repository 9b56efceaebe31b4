import CLibPQ

/// A libpq connection string as logs and errors may show it.
public enum PostgresConnectionString {
    /// The string with every secret value (the password, the SSL key's password: what libpq
    /// marks as not to be displayed) replaced by `***`, read by libpq's own parser
    /// (`PQconninfoParse`), so every form libpq accepts is covered: URLs with the password
    /// before the host or in `?password=`, `key=value` pairs with spaces around `=` or quoted
    /// values. A string libpq cannot parse is not shown at all.
    public static func redacted(_ connectionString: String) -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &message) else {
            if let message { PQfreemem(message) }
            return "(a connection string libpq cannot parse)"
        }
        defer { PQconninfoFree(options) }
        var pairs: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let isSecret = option.pointee.dispchar.map { String(cString: $0) == "*" } ?? false
                pairs.append("\(String(cString: keyword))=\(isSecret ? "***" : quoted(String(cString: value)))")
            }
            option += 1
        }
        return pairs.joined(separator: " ")
    }

    /// Whether the connection string's `options` set `statement_timeout` itself.
    static func setsStatementTimeout(_ connectionString: String) -> Bool {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &message) else {
            if let message { PQfreemem(message) }
            return false
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "options", let value = option.pointee.val, String(cString: value).contains("statement_timeout") {
                return true
            }
            option += 1
        }
        return false
    }

    /// A value as a `key=value` string writes it: quoted when empty or holding spaces,
    /// quotes or backslashes.
    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        var text = "'"
        for character in value {
            if character == "\\" || character == "'" { text.append("\\") }
            text.append(character)
        }
        return text + "'"
    }
}
