#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open files, which bounds its connections.
enum DescriptorLimit {
    /// Descriptors kept for everything that is not a client connection: the store, libslurm,
    /// the spool, logs.
    static let reserve = 256

    /// Raises the soft limit to the hard one (systemd's default soft limit, 1024, is what let
    /// about a thousand idle sockets stop the server) and returns how many connections fit
    /// within it, at most `wanted`.
    static func connectionsAllowed(wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        if limit.rlim_cur == rlim_t.max { return wanted }
        let available = Int(clamping: limit.rlim_cur) - reserve
        return max(16, min(wanted, available))
    }
}
