import ArgumentParser
import Foundation
import NodeCollector

/// CPU time of one collection cycle over many jobs, for bench/collector-cycle.sh: from a
/// synthetic cgroup v2 tree, a synthetic /proc tree, or real processes under the real /proc.
@main
struct CollectBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hpc-obs-collectbench",
        abstract: "Time collection cycles of the node collector and print them as JSON."
    )

    @Option(help: "cgroup-v2 or proc.") var source = "proc"
    @Option(help: "Root of the tree to read (a cgroup2 mount or a /proc).") var root = "/proc"
    @Option(help: "For proc: jobs and their pids, as JOB=PID,PID;JOB=PID,… in a file.") var pidsFile: String?
    @Option(help: "Cycles to time.") var cycles = 50

    func run() throws {
        let usage: any JobUsageSource
        switch source {
        case "cgroup-v2":
            usage = CgroupV2Source(cgroupRoot: root, procRoot: "/proc")
        case "proc":
            let text = try pidsFile.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
            var pids: [String: [Int32]] = [:]
            for entry in text.split(separator: ";") {
                let pair = entry.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                pids[String(pair[0])] = pair[1].split(separator: ",").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            let jobs = pids
            usage = ProcSource(procRoot: root) { jobs }
        default:
            throw ValidationError("--source is cgroup-v2 or proc")
        }
        var tracker = UsageTracker()
        var readings = 0
        let before = Self.cpuSeconds()
        for cycle in 0..<cycles {
            let read = usage.read()
            readings = read.count
            _ = tracker.samples(from: read, at: Date(timeIntervalSince1970: Double(cycle) * 30), node: "bench")
        }
        let perCycle = (Self.cpuSeconds() - before) / Double(cycles)
        print(
            #"{"source": "\#(usage.name)", "jobs": \#(readings), "cpuMsPerCycle": \#(perCycle * 1_000), "percentOfOneCoreAt30s": \#(perCycle / 30 * 100)}"#
        )
    }

    /// User and system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
