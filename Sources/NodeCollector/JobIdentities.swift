/// Gives each reading the id and GPUs Slurm gives its job, asking Slurm once per job: an
/// allocation does not change while the job runs, so a job is looked up when it first
/// appears on the node and forgotten when it is gone.
///
/// A job Slurm cannot place (slurmctld unreachable, a cgroup of no job it knows) is left out
/// of that cycle and counted in ``unmapped``; it is asked about again next cycle. Once asking
/// fails, the cycle asks no more: each question to an unreachable slurmctld costs its
/// `MessageTimeout`, and the known jobs' samples must not wait for all of them.
public struct JobIdentities: Sendable {
    private var known: [String: JobAllocation] = [:]
    /// Jobs read on this node in the last cycle that Slurm could not place.
    public private(set) var unmapped = 0
    /// Why the last lookup that failed did, for the log.
    public private(set) var lastFailure: String?

    public init() {}

    /// `readings` keyed by the job ids the node's sources name (cgroup paths, step records),
    /// returned with the service's job ids and the jobs' GPUs on `node`.
    public mutating func resolve(_ readings: [JobUsageReading], node: String, source: any JobAllocationSource) async -> [JobUsageReading] {
        var resolved: [JobUsageReading] = []
        var seen: [String: JobAllocation] = [:]
        unmapped = 0
        lastFailure = nil
        var unreachable = false
        for reading in readings {
            var allocation = known[reading.jobID]
            if allocation == nil, !unreachable {
                do {
                    allocation = try await source.allocation(ofJob: reading.jobID, onNode: node)
                    if allocation == nil { lastFailure = "Slurm does not know job \(reading.jobID)" }
                } catch {
                    lastFailure = "\(error)"
                    unreachable = true
                }
            }
            guard let allocation else {
                unmapped += 1
                continue
            }
            seen[reading.jobID] = allocation
            var placed = reading
            placed.jobID = allocation.jobID
            placed.gpuIndices = allocation.gpuIndices
            resolved.append(placed)
        }
        known = seen
        return resolved
    }
}
