/// Which hook executable the scheduler ran: the one at a job's start or the one at its end.
public enum HookRole: String, Sendable, Hashable, CaseIterable {
    case prolog, epilog
}
