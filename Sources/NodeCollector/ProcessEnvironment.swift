import LocalFiles

/// What `/proc/<pid>/environ` says about a process's Slurm job.
struct ProcessEnvironment {
    /// `ARRAYID_TASKID` for array tasks, else `SLURM_JOB_ID`.
    var jobID: String?
    /// `SLURM_JOB_GPUS`: the GPUs Slurm gave the job on this node.
    var gpuIndices: [Int]

    init?(pid: String, procRoot: String) {
        guard let bytes = FileBytes.read("\(procRoot)/\(pid)/environ", limit: 1 << 20) else { return nil }
        var values: [Substring: Substring] = [:]
        for entry in String(decoding: bytes, as: UTF8.self).split(separator: "\0") where entry.hasPrefix("SLURM_") {
            let pair = entry.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[pair[0]] = pair[1] }
        }
        if let array = values["SLURM_ARRAY_JOB_ID"], let task = values["SLURM_ARRAY_TASK_ID"] {
            jobID = "\(array)_\(task)"
        } else {
            jobID = values["SLURM_JOB_ID"].map(String.init)
        }
        gpuIndices = (values["SLURM_JOB_GPUS"] ?? "").split(separator: ",").compactMap { Int($0) }
    }
}
