import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// User names for the uids slurmctld reports without one, from the name service, cached:
/// a lookup can go to LDAP, and a cluster has far fewer users than jobs.
final class UserNames: Sendable {
    static let shared = UserNames()
    private let names = Mutex<[UInt32: String]>([:])

    /// The name, or the uid in decimal when the name service does not know it.
    func name(of uid: UInt32) -> String {
        if let known = names.withLock({ $0[uid] }) { return known }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4_096)
        let found = getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
        let name = found ? String(cString: entry.pw_name) : String(uid)
        names.withLock { $0[uid] = name }
        return name
    }
}
