/// Where the poller reads job state: slurmctld through libslurm (`SlurmSession`, in
/// SlurmBridge) or, in tests, a table of recorded answers.
///
/// Kept to the two questions a poll cycle asks, so that everything the poller decides (what
/// changed, what vanished, what the store gets) runs in-process without a cluster.
public protocol SlurmJobSource: Sendable {
    /// Where the source reads its configuration, for log messages.
    var configPath: String { get }

    /// `ClusterName=` of the cluster, opening the source first if needed. Throws while the
    /// source cannot be opened (slurm.conf not there yet).
    func clusterName() async throws(SlurmError) -> String?

    /// One `slurm_load_jobs`, passing the previous answer's time: 0 forces a full load.
    /// `isUnchanged(slurmJobID, fingerprint)` names the jobs whose state has not moved since
    /// the caller last looked: they are only listed by id, never copied out.
    func loadJobs(changedSince lastUpdate: Int, isUnchanged: @escaping @Sendable (UInt32, Int) -> Bool) async throws(SlurmError) -> SlurmJobsLoad
}

/// What one load returned.
public enum SlurmJobsLoad: Sendable, Hashable {
    /// Nothing changed since the time passed in (`SLURM_NO_CHANGE_IN_DATA`): a tiny RPC.
    case unchanged
    /// Every job slurmctld holds: copied out where `isUnchanged` said no, only named by
    /// id where it said yes; and slurmctld's time of this answer, for the next call.
    case jobs(changed: [SlurmJobRecord], unchanged: [UInt32], lastUpdate: Int)
}
