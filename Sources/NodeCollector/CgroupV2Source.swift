import LocalFiles

/// cgroup v2, as Slurm's `cgroup/v2` plugin lays it out:
/// `<root>/system.slice/slurmstepd.scope/job_<id>/` with `cpu.stat`, `memory.current`,
/// `memory.stat` and (Linux 5.19+) `memory.peak`.
///
/// Slurm 26.05 names job directories by SLUID (`job_<sluid>`) unless `CgroupJobIdPaths=yes`;
/// those are mapped to job ids through the job's `slurmstepd`, a root process whose title is
/// `slurmstepd: [<job>.<step>]`. The job's own processes are never asked: their environment
/// and titles are their owner's to write.
public struct CgroupV2Source: JobUsageSource {
    public let name = "cgroup-v2"
    public let scope: String
    let procRoot: String

    /// `cgroupRoot` is where cgroup2 is mounted (`/sys/fs/cgroup`).
    public init(cgroupRoot: String, procRoot: String = "/proc") {
        scope = "\(cgroupRoot)/system.slice/slurmstepd.scope"
        self.procRoot = procRoot
    }

    public var isPresent: Bool { Directory.exists(scope) }

    public func read() -> [JobUsageReading] {
        Directory.entries(scope).sorted().compactMap { entry -> JobUsageReading? in
            guard entry.hasPrefix("job_") else { return nil }
            let directory = "\(scope)/\(entry)"
            guard let jobID = Self.jobID(directoryName: entry) ?? stepDaemonJobID(in: directory),
                let cpu = StatFile.values("\(directory)/cpu.stat")?["usage_usec"],
                let current = StatFile.number("\(directory)/memory.current")
            else { return nil }
            let file = StatFile.values("\(directory)/memory.stat")?["file"] ?? 0
            return JobUsageReading(
                jobID: jobID,
                cpuSeconds: Double(cpu) / 1_000_000,
                memoryBytes: max(0, current - min(file, current)),
                peakMemoryBytes: StatFile.number("\(directory)/memory.peak")
            )
        }
    }

    /// `job_123` → `123`; a SLUID name gives nil.
    static func jobID(directoryName: String) -> String? {
        let digits = directoryName.dropFirst("job_".count)
        return !digits.isEmpty && digits.utf8.count <= 10 && digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? String(digits) : nil
    }

    /// The job id in the title of a root-owned `slurmstepd` in one of the job's steps' `slurm`
    /// cgroups (`job_<sluid>/step_<id>/slurm/`), where slurmstepd puts itself and the job's own
    /// processes (in `step_<id>/user/`) are not.
    func stepDaemonJobID(in directory: String) -> String? {
        for step in Directory.entries(directory).sorted() where step.hasPrefix("step_") {
            for pid in (FileBytes.text("\(directory)/\(step)/slurm/cgroup.procs") ?? "").split(separator: "\n").prefix(16) {
                if let jobID = ProcessTitle.stepDaemonJobID(pid: pid, procRoot: procRoot) { return jobID }
            }
        }
        return nil
    }
}
