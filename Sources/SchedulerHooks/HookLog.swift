#if canImport(Glibc)
import Glibc
#endif

/// The one line a hook writes when something went wrong, to stderr and to syslog (slurmd
/// discards a Prolog's stderr; syslog is where admins look). Nothing is written on success.
public struct HookLog: Sendable {
    let identity: String

    public init(identity: String) {
        self.identity = identity
    }

    public func warning(_ message: String) {
        let line = "\(identity): \(message)"
        var bytes = Array(line.utf8.prefix(2_000))
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        identity.withCString { ident in
            line.withCString { text in
                openlog(ident, LOG_PID, LOG_DAEMON)
                withVaList([text]) { vsyslog(LOG_WARNING, "%s", $0) }
                closelog()
            }
        }
    }
}
