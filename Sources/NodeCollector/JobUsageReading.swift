/// One job's resource use on this node at one moment, as a source reads it.
public struct JobUsageReading: Sendable, Hashable {
    /// The job as this node's sources name it (the number in its cgroup's path, the job id of
    /// its step record: an array task's own id), until ``JobIdentities`` gives it the
    /// service's (`ARRAYID_TASKID`).
    public var jobID: String
    /// CPU time the job has used on this node so far, in seconds (user + system).
    public var cpuSeconds: Double
    /// Resident memory without page cache, in bytes.
    public var memoryBytes: Int64
    /// The most memory the job has held on this node, where the source knows it.
    public var peakMemoryBytes: Int64?
    /// The GPUs Slurm gave the job on this node, from its allocation (``JobIdentities``).
    public var gpuIndices: [Int]

    public init(jobID: String, cpuSeconds: Double, memoryBytes: Int64, peakMemoryBytes: Int64? = nil, gpuIndices: [Int] = []) {
        self.jobID = jobID
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.peakMemoryBytes = peakMemoryBytes
        self.gpuIndices = gpuIndices
    }
}

/// Where a node's per-job usage comes from: cgroup v2, cgroup v1, or the jobs' processes.
/// Sources name jobs only by what Slurm wrote (cgroup paths, root's processes, step
/// records), never by what a job's processes say of themselves.
public protocol JobUsageSource: Sendable {
    /// `cgroup-v2`, `cgroup-v1` or `proc`, for logs and `/metrics`.
    var name: String { get }
    /// Every job running on this node now. A job whose files vanish mid-read (it ended) is
    /// left out, not an error.
    func read() -> [JobUsageReading]
}
