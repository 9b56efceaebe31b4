#if canImport(Glibc)
import Glibc
#endif

/// This host's name as schedulers name nodes.
public enum HostName {
    /// The host name up to its first dot (`cn07` of `cn07.cluster.example`), which is what
    /// Slurm and PBS call the node unless told otherwise; nil when the system has none.
    public static func short() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let short = String(name.prefix { $0 != "." })
        return short.isEmpty ? nil : short
    }
}
