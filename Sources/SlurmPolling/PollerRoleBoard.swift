import Synchronization

/// What the poller of this replica does now, for `/v1/health`: polls (`leader`), waits while
/// another replica on the same database polls (`standby`), has not started (`starting`),
/// or is off.
public final class PollerRoleBoard: Sendable {
    public enum Role: String, Sendable {
        case off
        case starting
        case leader
        case standby
    }

    private let current = Mutex(Role.off)

    public init() {}

    public var role: Role { current.withLock { $0 } }

    func set(_ role: Role) {
        current.withLock { $0 = role }
    }
}
