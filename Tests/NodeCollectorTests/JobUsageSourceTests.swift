import Foundation
import NodeCollector
import Testing

@Suite("Job usage sources")
struct JobUsageSourceTests {
    @Test func cgroupV2ReadsCPUAndMemoryWithoutPageCache() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        let job = "cgroup/system.slice/slurmstepd.scope/job_42"
        try tree.write("\(job)/cpu.stat", "usage_usec 12500000\nuser_usec 12000000\nsystem_usec 500000\n")
        try tree.write("\(job)/memory.current", "314572800\n")
        try tree.write("\(job)/memory.stat", "anon 209715200\nfile 104857600\nkernel 0\n")
        try tree.write("\(job)/memory.peak", "400000000\n")
        // Not a job: Slurm's own directory beside the jobs.
        try tree.write("cgroup/system.slice/slurmstepd.scope/system/cpu.stat", "usage_usec 1\n")
        let source = CgroupV2Source(cgroupRoot: "\(tree.root)/cgroup", procRoot: "\(tree.root)/proc")
        #expect(source.isPresent)
        #expect(source.read() == [JobUsageReading(jobID: "42", cpuSeconds: 12.5, memoryBytes: 209_715_200, peakMemoryBytes: 400_000_000)])
    }

    @Test func cgroupV2WithSLUIDNamesFindsTheJobThroughItsStepDaemonOnly() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        let job = "cgroup/system.slice/slurmstepd.scope/job_s1a2b3c4d5e6f"
        try tree.write("\(job)/cpu.stat", "usage_usec 2000000\n")
        try tree.write("\(job)/memory.current", "1048576\n")
        try tree.write("\(job)/cgroup.procs", "")
        // The job's own process names itself as a step daemon of another job and claims
        // another job's id and GPUs in its environment: none of it counts; nor does a root
        // process outside a step's slurm cgroup.
        try tree.write("\(job)/step_batch/user/task_0/cgroup.procs", "4242\n4343\n")
        try tree.write("proc/4343/status", "Name:\tsudo\nUid:\t0\t0\t0\t0\n")
        try tree.write("proc/4343/cmdline", "slurmstepd: [888.0]\0")
        try tree.write("proc/4242/status", "Name:\tfake\nUid:\t1000\t1000\t1000\t1000\n")
        try tree.write("proc/4242/cmdline", "slurmstepd: [999.0]\0")
        try tree.write("proc/4242/environ", "SLURM_JOB_ID=999\0SLURM_JOB_GPUS=0,1,2,3\0")
        let source = CgroupV2Source(cgroupRoot: "\(tree.root)/cgroup", procRoot: "\(tree.root)/proc")
        #expect(source.read().isEmpty)
        // Root's slurmstepd of the job names it.
        try tree.write("\(job)/step_batch/slurm/cgroup.procs", "77\n")
        try tree.write("proc/77/status", "Name:\tslurmstepd\nUid:\t0\t0\t0\t0\n")
        try tree.write("proc/77/cmdline", "slurmstepd: [121.batch]\0")
        let readings = source.read()
        #expect(readings.map(\.jobID) == ["121"])
        #expect(readings.first?.gpuIndices == [])
        #expect(readings.first?.cpuSeconds == 2 && readings.first?.peakMemoryBytes == nil)
    }

    @Test func cgroupCountersThatAreNotNumbersOrNegativeAreNotUsed() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        let job = "cgroup/system.slice/slurmstepd.scope/job_5"
        try tree.write("\(job)/cpu.stat", "usage_usec -9223372036854775808\n")
        try tree.write("\(job)/memory.current", "100\n")
        let source = CgroupV2Source(cgroupRoot: "\(tree.root)/cgroup", procRoot: "\(tree.root)/proc")
        #expect(source.read().isEmpty)
        try tree.write("\(job)/cpu.stat", "usage_usec 1\n")
        try tree.write("\(job)/memory.stat", "file 9223372036854775807\n")
        #expect(source.read().first?.memoryBytes == 0)
    }

    @Test func cgroupV1ReadsCpuacctAndMemory() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        try tree.write("cgroup/cpuacct/slurm/uid_1000/job_7/cpuacct.usage", "3000000000\n")
        try tree.write("cgroup/memory/slurm/uid_1000/job_7/memory.usage_in_bytes", "500\n")
        try tree.write("cgroup/memory/slurm/uid_1000/job_7/memory.stat", "cache 100\ntotal_cache 200\nrss 300\n")
        try tree.write("cgroup/memory/slurm/uid_1000/job_7/memory.max_usage_in_bytes", "900\n")
        let source = CgroupV1Source(cgroupRoot: "\(tree.root)/cgroup")
        #expect(source.isPresent)
        #expect(source.read() == [JobUsageReading(jobID: "7", cpuSeconds: 3, memoryBytes: 300, peakMemoryBytes: 900)])
    }

    @Test func procSumsAJobsProcesses() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        // utime 150, stime 50, cutime 30, cstime 20 ticks; the name holds spaces and a ')'.
        try tree.write("proc/100/stat", "100 (my (odd) prog) S 1 100 100 0 -1 4194304 500 0 0 0 150 50 30 20 20 0 1 0 100 1000 100\n")
        try tree.write("proc/100/status", "Name:\tprog\nVmRSS:\t   9000 kB\nRssAnon:\t    6000 kB\nRssFile:\t   2000 kB\nRssShmem:\t    1000 kB\n")
        try tree.write("proc/101/stat", "101 (worker) R 100 100 100 0 -1 0 0 0 0 0 100 0 0 0 20 0 1 0 100 1000 100\n")
        try tree.write("proc/101/status", "Name:\tworker\nVmRSS:\t   3000 kB\n")
        let source = ProcSource(procRoot: "\(tree.root)/proc", ticksPerSecond: 100) { ["9": [100, 101, 999]] }
        // 999 has ended: it is left out, not an error.
        #expect(source.read() == [JobUsageReading(jobID: "9", cpuSeconds: 3.5, memoryBytes: (7_000 + 3_000) * 1_024)])
    }

    @Test func detectionPrefersV2ThenV1ThenProc() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        #expect(JobUsageSources.detect(cgroupRoot: "\(tree.root)/cgroup", procRoot: "\(tree.root)/proc") { [:] }.name == "proc")
        try tree.write("cgroup/cpuacct/slurm/.keep", "")
        try tree.write("cgroup/memory/slurm/.keep", "")
        #expect(JobUsageSources.detect(cgroupRoot: "\(tree.root)/cgroup") { [:] }.name == "cgroup-v1")
        try tree.write("cgroup/unified/system.slice/slurmstepd.scope/.keep", "")
        #expect(JobUsageSources.detect(cgroupRoot: "\(tree.root)/cgroup") { [:] }.name == "cgroup-v2")
    }
}
