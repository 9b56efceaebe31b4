#if canImport(Glibc)
import Glibc
#endif

/// The one line a hook writes when something went wrong, to syslog, where admins look, and
/// to stderr unless that is the user's (slurmd discards a Prolog's stderr; PBS MoM writes a
/// prologue's into the job's own error file). Nothing is written on success.
public struct HookLog: Sendable {
    let identity: String
    let toStandardError: Bool

    public init(identity: String, toStandardError: Bool = true) {
        self.identity = identity
        self.toStandardError = toStandardError
    }

    public func warning(_ message: String) {
        let line = "\(identity): \(message)"
        if toStandardError {
            var bytes = Array(line.utf8.prefix(2_000))
            bytes.append(UInt8(ascii: "\n"))
            _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
        identity.withCString { ident in
            line.withCString { text in
                openlog(ident, LOG_PID, LOG_DAEMON)
                withVaList([text]) { vsyslog(LOG_WARNING, "%s", $0) }
                closelog()
            }
        }
    }
}
