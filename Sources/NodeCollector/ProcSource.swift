import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// No job cgroups (`proctrack/linuxproc`): a job's use is the sum over its processes on this
/// node, which Slurm names (`slurm_job_step_get_pids`), read from `/proc/<pid>/stat` (CPU
/// time, with that of children the process has waited for) and `/proc/<pid>/status`
/// (`RssAnon` + `RssShmem`: resident, without page cache).
///
/// Processes that ended before a cycle take their unwaited CPU time with them, so this source
/// can undercount a job of many short processes; cgroups do not.
public struct ProcSource: JobUsageSource {
    public let name = "proc"
    let procRoot: String
    let processes: @Sendable () -> [String: [Int32]]
    let ticksPerSecond: Double

    /// `processes` names each job's pids on this node, by the job ids of Slurm's step records,
    /// at the moment of the call.
    public init(procRoot: String = "/proc", ticksPerSecond: Double? = nil, processes: @escaping @Sendable () -> [String: [Int32]]) {
        self.procRoot = procRoot
        self.processes = processes
        self.ticksPerSecond = ticksPerSecond ?? Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    public func read() -> [JobUsageReading] {
        processes().sorted { $0.key < $1.key }.compactMap { jobID, pids -> JobUsageReading? in
            var ticks: Int64 = 0
            var residentKiB: Int64 = 0
            var found = false
            for pid in Set(pids) {
                guard let stat = Self.cpuTicks(FileBytes.text("\(procRoot)/\(pid)/stat") ?? ""),
                    let resident = Self.residentKiB(FileBytes.text("\(procRoot)/\(pid)/status") ?? "")
                else { continue }
                // Saturating: the figures are read from files, and 10,000 processes of a job
                // must not overflow the sum however odd one of them is.
                ticks = ticks.addingReportingOverflow(stat).overflow ? .max : ticks + stat
                residentKiB = residentKiB.addingReportingOverflow(resident).overflow ? .max : residentKiB + resident
                found = true
            }
            guard found else { return nil }
            let (bytes, overflow) = residentKiB.multipliedReportingOverflow(by: 1_024)
            return JobUsageReading(jobID: jobID, cpuSeconds: Double(ticks) / ticksPerSecond, memoryBytes: overflow ? .max : bytes)
        }
    }

    /// utime + stime + cutime + cstime, fields 14–17 of `/proc/<pid>/stat`, counted after the
    /// command name, which may itself hold spaces and parentheses.
    static func cpuTicks(_ stat: String) -> Int64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); utime is field 14.
        guard fields.count > 14 else { return nil }
        var total: Int64 = 0
        for index in 11...14 {
            guard let value = Int64(fields[index]), value >= 0, !total.addingReportingOverflow(value).overflow else { return nil }
            total += value
        }
        return total
    }

    /// `RssAnon` + `RssShmem` in KiB; `VmRSS` where the kernel has no split (before 4.5).
    static func residentKiB(_ status: String) -> Int64? {
        var values: [Substring: Int64] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, ["RssAnon", "RssShmem", "VmRSS"].contains(parts[0]) else { continue }
            values[parts[0]] = Int64(parts[1].split { $0 == " " || $0 == "\t" }.first ?? "").flatMap { $0 >= 0 ? $0 : nil }
        }
        if let anon = values["RssAnon"] {
            let (sum, overflow) = anon.addingReportingOverflow(values["RssShmem"] ?? 0)
            return overflow ? .max : sum
        }
        return values["VmRSS"]
    }
}
