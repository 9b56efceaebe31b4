import SlurmPolling
import Synchronization

/// slurmctld as a table a test edits between cycles: each edit moves the table's update time,
/// so a load that passes the previous answer's time gets `unchanged` until the next edit,
/// as `SLURM_NO_CHANGE_IN_DATA` does. Can be told to fail its next calls.
final class RecordedJobSource: SlurmJobSource {
    private struct Table {
        var jobs: [SlurmJobRecord] = []
        var updated = 1
        var failures = 0
        var loads = 0
    }

    let configPath = "/recorded/slurm.conf"
    let cluster: String?
    private let table = Mutex(Table())

    init(cluster: String? = "hpc1") {
        self.cluster = cluster
    }

    /// What slurmctld holds from now on. Each record's fingerprint is its contents' hash.
    func hold(_ jobs: [SlurmJobRecord]) {
        table.withLock { table in
            table.jobs = jobs.map { job in
                var job = job
                job.fingerprint = 0
                job.fingerprint = job.hashValue
                return job
            }
            table.updated += 1
        }
    }

    /// The next `count` calls throw, as libslurm does while slurm.conf is missing.
    func fail(next count: Int) {
        table.withLock { $0.failures = count }
    }

    /// Loads answered with jobs (not `unchanged`).
    var fullAnswers: Int { table.withLock { $0.loads } }

    func clusterName() async throws(SlurmError) -> String? {
        try failIfTold()
        return cluster
    }

    func loadJobs(changedSince lastUpdate: Int, isUnchanged: @escaping @Sendable (UInt32, Int) -> Bool) async throws(SlurmError) -> SlurmJobsLoad {
        try failIfTold()
        let (jobs, updated) = table.withLock { table in (table.jobs, table.updated) }
        if lastUpdate == updated { return .unchanged }
        table.withLock { $0.loads += 1 }
        var changed: [SlurmJobRecord] = []
        var unchanged: [UInt32] = []
        for job in jobs {
            if isUnchanged(job.jobID, job.fingerprint) { unchanged.append(job.jobID) } else { changed.append(job) }
        }
        return .jobs(changed: changed, unchanged: unchanged, lastUpdate: updated)
    }

    private func failIfTold() throws(SlurmError) {
        let fails = table.withLock { table -> Bool in
            guard table.failures > 0 else { return false }
            table.failures -= 1
            return true
        }
        if fails { throw SlurmError(operation: "slurm_init", code: -1, message: "cannot read /recorded/slurm.conf") }
    }
}
