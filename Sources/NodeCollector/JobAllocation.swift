/// What Slurm says of a job on this node: the id the service records it under and the GPUs
/// it holds here.
///
/// Both come from Slurm, never from the job's own processes: a job's environment is its
/// owner's to write, so trusting its `SLURM_JOB_ID` or `SLURM_JOB_GPUS` would let a job
/// charge its use to another job or claim other jobs' GPUs.
public struct JobAllocation: Sendable, Hashable {
    /// `ARRAYID_TASKID` for array tasks, else the job id.
    public var jobID: String
    /// The GPUs Slurm gave the job on this node (its GRES detail's `IDX`).
    public var gpuIndices: [Int]

    public init(jobID: String, gpuIndices: [Int] = []) {
        self.jobID = jobID
        self.gpuIndices = gpuIndices
    }
}

/// Where allocations come from: libslurm on a node, a recorded table in tests.
public protocol JobAllocationSource: Sendable {
    /// Job `nodeJobID`'s allocation on `node`: nil when Slurm does not know the job (it has
    /// ended); throws when Slurm cannot be asked.
    func allocation(ofJob nodeJobID: String, onNode node: String) async throws -> JobAllocation?
}
