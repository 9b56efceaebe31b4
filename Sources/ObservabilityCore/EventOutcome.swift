/// What one lifecycle event did.
public enum EventOutcome: Sendable, Hashable {
    case applied(LifecycleChange)
    /// This event id was applied before; nothing changed.
    case duplicate(eventID: String)
}
