/// Which of several replicas polls a scheduler. Replicas that share one database must not all
/// ask slurmctld the same question every few seconds; one leads, the others stand by and
/// take over when it goes.
public protocol PollerLeadership: Sendable {
    /// Whether this process leads now: takes the lead when it is free, and confirms it when
    /// held (a lead whose confirmation fails is given up at once). Called before each cycle.
    func lead() async -> Bool
    /// Gives the lead up, for a clean shutdown: the next replica need not wait for it to time out.
    func resign() async
}

/// The one process that polls, where nothing is shared (SQLite): it always leads.
public struct SoleLeadership: PollerLeadership {
    public init() {}
    public func lead() async -> Bool { true }
    public func resign() async {}
}

/// A stable 64-bit key for a lock name (FNV-1a): the same in every replica and every version.
public enum LockKey {
    public static func of(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
