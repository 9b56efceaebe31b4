import ObservabilityCore
import Synchronization

/// What the poller remembers between cycles: slurmctld's last answer time, and per job the
/// last event applied, so a job whose state did not move costs a dictionary lookup.
final class PollerState: Sendable {
    struct Cycle {
        var lastUpdate: Int
        var isFullLoad: Bool
    }

    private struct Values {
        var lastUpdate = 0
        var cycles = 0
        var appliedEventIDs: [String: String] = [:]
    }

    private let values = Mutex(Values())

    func beginCycle(fullLoadEvery: Int, force: Bool) -> Cycle {
        values.withLock { values in
            let full = force || values.cycles % fullLoadEvery == 0
            values.cycles += 1
            return Cycle(lastUpdate: values.lastUpdate, isFullLoad: full)
        }
    }

    func finishCycle(lastUpdate: Int) {
        values.withLock { $0.lastUpdate = lastUpdate }
    }

    func isNew(_ event: LifecycleEvent) -> Bool {
        values.withLock { $0.appliedEventIDs[event.jobID] != event.id }
    }

    func remember(_ event: LifecycleEvent) {
        values.withLock { $0.appliedEventIDs[event.jobID] = event.id }
    }
}
