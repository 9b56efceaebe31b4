import ObservabilityCore
import Synchronization

/// What the poller remembers between cycles: slurmctld's last answer time; per Slurm job the
/// fingerprint of its state when last applied and the job ids it stands for; per job id the
/// last event applied; and which jobs it last saw live. A job whose state did not move costs
/// a dictionary lookup, and jobs that vanished from slurmctld are found without the store.
final class PollerState: Sendable {
    struct Cycle {
        var lastUpdate: Int
        var isFullLoad: Bool
        /// The first full load since start compares with the store, which may hold live jobs
        /// from before this process started; later ones compare with what the poller saw.
        var reconcilesWithStore: Bool
    }

    private struct SlurmJob {
        var fingerprint: Int
        var jobIDs: [String]
    }

    private struct Values {
        var lastUpdate = 0
        var cycles = 0
        var reconciledWithStore = false
        var slurmJobs: [UInt32: SlurmJob] = [:]
        var appliedEventIDs: [String: String] = [:]
        var live: Set<String> = []
    }

    private let values = Mutex(Values())

    /// Forgets everything: the next cycle is a full load compared with the store.
    func reset() {
        values.withLock { $0 = Values() }
    }

    func beginCycle(fullLoadEvery: Int, force: Bool) -> Cycle {
        values.withLock { values in
            let full = force || values.cycles % fullLoadEvery == 0
            values.cycles += 1
            return Cycle(lastUpdate: values.lastUpdate, isFullLoad: full, reconcilesWithStore: full && !values.reconciledWithStore)
        }
    }

    func isUnchanged(slurmJobID: UInt32, fingerprint: Int) -> Bool {
        values.withLock { $0.slurmJobs[slurmJobID]?.fingerprint == fingerprint }
    }

    func jobIDs(ofSlurmJobs ids: [UInt32]) -> [String] {
        values.withLock { values in ids.flatMap { values.slurmJobs[$0]?.jobIDs ?? [] } }
    }

    func isNew(_ event: LifecycleEvent) -> Bool {
        values.withLock { $0.appliedEventIDs[event.jobID] != event.id }
    }

    func remember(_ event: LifecycleEvent) {
        values.withLock { values in
            values.appliedEventIDs[event.jobID] = event.id
            if event.kind == .ended { values.live.remove(event.jobID) } else { values.live.insert(event.jobID) }
        }
    }

    /// Jobs last seen live that this full load does not hold.
    func vanished(seen: Set<String>) -> [String] {
        values.withLock { $0.live.subtracting(seen).sorted() }
    }

    /// The cycle's events are applied: its records count as seen in this state. A full load
    /// also forgets jobs slurmctld no longer holds, so the memory follows the queue, not
    /// the cluster's history.
    func finishCycle(
        lastUpdate: Int,
        records: [(slurmJobID: UInt32, fingerprint: Int, jobIDs: [String])],
        fullLoad: (slurmJobIDs: Set<UInt32>, jobIDs: Set<String>)?,
        reconciledWithStore: Bool
    ) {
        values.withLock { values in
            values.lastUpdate = lastUpdate
            for record in records {
                values.slurmJobs[record.slurmJobID] = SlurmJob(fingerprint: record.fingerprint, jobIDs: record.jobIDs)
            }
            if let fullLoad {
                values.slurmJobs = values.slurmJobs.filter { fullLoad.slurmJobIDs.contains($0.key) }
                values.appliedEventIDs = values.appliedEventIDs.filter { fullLoad.jobIDs.contains($0.key) }
                values.live.formIntersection(fullLoad.jobIDs)
            }
            if reconciledWithStore { values.reconciledWithStore = true }
        }
    }
}
