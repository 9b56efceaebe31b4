import EventTransport

#if canImport(Glibc)
import Glibc
#endif

/// Whose spooled files the server replays.
enum SpoolOwners {
    /// Slurm runs `PrologSlurmctld` and `EpilogSlurmctld` as its own user, conventionally
    /// `slurm`; slurmd's hooks and PBS's run as root.
    static let schedulerUser = "slurm"

    /// Root and Slurm's user where it exists: the users hooks run as. Not the server's own
    /// user: it never writes the spool, so a file of its own there was planted.
    static func trustedByService() -> Set<UInt32> {
        var owners: Set<UInt32> = [0]
        if let uid = userID(schedulerUser) { owners.insert(uid) }
        return owners
    }

    static func userID(_ name: String) -> UInt32? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4_096)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.pw_uid
    }
}
