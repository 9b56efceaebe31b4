import LocalFiles

/// Picks the source this node offers, in order: cgroup v2, cgroup v1, then the jobs' processes.
public enum JobUsageSources {
    public static func detect(
        cgroupRoot: String = "/sys/fs/cgroup",
        procRoot: String = "/proc",
        processes: @escaping @Sendable () -> [String: [Int32]]
    ) -> any JobUsageSource {
        // A hybrid layout mounts cgroup2 at <root>/unified.
        for root in [cgroupRoot, "\(cgroupRoot)/unified"] {
            let v2 = CgroupV2Source(cgroupRoot: root, procRoot: procRoot)
            if v2.isPresent { return v2 }
        }
        let v1 = CgroupV1Source(cgroupRoot: cgroupRoot)
        if v1.isPresent { return v1 }
        return ProcSource(procRoot: procRoot, processes: processes)
    }
}
