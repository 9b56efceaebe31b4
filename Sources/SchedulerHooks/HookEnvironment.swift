#if canImport(Glibc)
import Glibc
#endif

/// The process environment as a dictionary, read from `environ` without Foundation.
public enum HookEnvironment {
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            cursor += 1
        }
        return variables
    }
}
