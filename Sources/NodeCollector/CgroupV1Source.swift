import LocalFiles

/// cgroup v1, as Slurm's `cgroup/v1` plugin lays it out:
/// `<root>/cpuacct/slurm/uid_<uid>/job_<id>/cpuacct.usage` (nanoseconds) and
/// `<root>/memory/slurm/uid_<uid>/job_<id>/` with `memory.usage_in_bytes`, `memory.stat` and
/// `memory.max_usage_in_bytes`.
public struct CgroupV1Source: JobUsageSource {
    public let name = "cgroup-v1"
    let cpuRoot: String
    let memoryRoot: String

    public init(cgroupRoot: String) {
        cpuRoot = "\(cgroupRoot)/cpuacct/slurm"
        memoryRoot = "\(cgroupRoot)/memory/slurm"
    }

    public var isPresent: Bool { Directory.exists(cpuRoot) && Directory.exists(memoryRoot) }

    public func read() -> [JobUsageReading] {
        var readings: [JobUsageReading] = []
        for user in Directory.entries(cpuRoot).sorted() where user.hasPrefix("uid_") {
            for job in Directory.entries("\(cpuRoot)/\(user)").sorted() where job.hasPrefix("job_") {
                guard let jobID = CgroupV2Source.jobID(directoryName: job),
                    let cpu = StatFile.number("\(cpuRoot)/\(user)/\(job)/cpuacct.usage")
                else { continue }
                let memory = "\(memoryRoot)/\(user)/\(job)"
                let usage = StatFile.number("\(memory)/memory.usage_in_bytes") ?? 0
                let cache = StatFile.values("\(memory)/memory.stat")?["total_cache"] ?? 0
                readings.append(
                    JobUsageReading(
                        jobID: jobID,
                        cpuSeconds: Double(cpu) / 1_000_000_000,
                        memoryBytes: max(0, usage - cache),
                        peakMemoryBytes: StatFile.number("\(memory)/memory.max_usage_in_bytes")
                    )
                )
            }
        }
        return readings
    }
}
