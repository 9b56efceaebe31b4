import LocalFiles

/// cgroup v2, as Slurm's `cgroup/v2` plugin lays it out:
/// `<root>/system.slice/slurmstepd.scope/job_<id>/` with `cpu.stat`, `memory.current`,
/// `memory.stat` and (Linux 5.19+) `memory.peak`.
///
/// Slurm 26.05 names job directories by SLUID (`job_<sluid>`) unless `CgroupJobIdPaths=yes`;
/// those are mapped to job ids through `SLURM_JOB_ID` in the environment of a process in them.
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
            let environment = firstProcessEnvironment(in: directory)
            guard let jobID = Self.jobID(directoryName: entry) ?? environment?.jobID,
                  let cpu = StatFile.values("\(directory)/cpu.stat")?["usage_usec"],
                  let current = StatFile.number("\(directory)/memory.current")
            else { return nil }
            let file = StatFile.values("\(directory)/memory.stat")?["file"] ?? 0
            return JobUsageReading(
                jobID: jobID,
                cpuSeconds: Double(cpu) / 1_000_000,
                memoryBytes: max(0, current - file),
                peakMemoryBytes: StatFile.number("\(directory)/memory.peak"),
                gpuIndices: environment?.gpuIndices ?? []
            )
        }
    }

    /// `job_123` → `123`; a SLUID name gives nil.
    static func jobID(directoryName: String) -> String? {
        let digits = directoryName.dropFirst("job_".count)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? String(digits) : nil
    }

    /// The environment of a process in the job's cgroup tree: the job id when the directory
    /// is named by SLUID, and the job's GPUs.
    func firstProcessEnvironment(in directory: String) -> ProcessEnvironment? {
        var pending = [directory]
        while let current = pending.popLast() {
            for pid in (FileBytes.text("\(current)/cgroup.procs") ?? "").split(separator: "\n") {
                if let environment = ProcessEnvironment(pid: String(pid), procRoot: procRoot), environment.jobID != nil {
                    return environment
                }
            }
            pending += Directory.entries(current).map { "\(current)/\($0)" }.filter(Directory.exists)
        }
        return nil
    }
}
