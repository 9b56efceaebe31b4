import CSlurm
import LocalFiles
import ObservabilityCore
import SchedulerFormats
public import SlurmPolling

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The one place that calls libslurm: reads job state from slurmctld.
///
/// libslurm's calls block and are not all thread-safe, so a controller is not `Sendable`:
/// ``SlurmSession`` owns the process's one controller and calls it one call at a time on a
/// thread of its own.
public final class SlurmController {
    public let configPath: String
    /// `ClusterName=` from slurm.conf, read once.
    public let clusterName: String?

    /// Where libslurm reads its configuration: `SLURM_CONF`, else `/etc/slurm/slurm.conf`.
    public static func configPath(environment: [String: String]) -> String {
        environment["SLURM_CONF"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultConfigPath
    }

    public static let defaultConfigPath = "/etc/slurm/slurm.conf"

    /// Initialises libslurm. Checks that slurm.conf is readable first: libslurm ends the
    /// process when it is not, and a server without Slurm must keep serving.
    public init(configPath: String) throws(SlurmError) {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw SlurmError(operation: "slurm_init", code: -1, message: "cannot read \(configPath); set SLURM_CONF or SLURM_POLL_INTERVAL=0")
        }
        self.configPath = configPath
        clusterName = Self.clusterName(inConfig: String(decoding: data, as: UTF8.self))
        setenv("SLURM_CONF", configPath, 1)
        slurm_init(configPath)
    }

    deinit {
        slurm_fini()
    }

    /// The Slurm release whose libslurm this program was built with, `22.05.8` style: its
    /// soname (libslurm.so.38 for 22.05) ties it to that release at run time too.
    public static func libraryVersion() -> String {
        let number = Int(SLURM_VERSION_NUMBER)
        let minor = (number >> 8) & 0xFF
        return "\((number >> 16) & 0xFF).\(minor < 10 ? "0" : "")\(minor).\(number & 0xFF)"
    }

    /// The version slurmctld reports in its configuration (`slurm_load_ctl_conf`).
    public func controllerVersion() throws(SlurmError) -> String {
        var conf: UnsafeMutablePointer<slurm_conf_t>?
        guard slurm_load_ctl_conf(0, &conf) == SLURM_SUCCESS, let conf else {
            let code = slurm_get_errno()
            throw SlurmError(operation: "slurm_load_ctl_conf", code: code, message: String(cString: slurm_strerror(code)))
        }
        defer { slurm_free_ctl_conf(conf) }
        return Self.string(conf.pointee.version) ?? "unknown"
    }

    /// One `slurm_load_jobs`, passing the previous answer's time: 0 forces a full load.
    ///
    /// `isUnchanged(jobID, fingerprint)` lets the caller skip jobs whose state has not moved
    /// since it last looked: their strings are never copied, which is most of a cycle's cost
    /// on a busy queue.
    public func loadJobs(changedSince lastUpdate: Int, isUnchanged: (UInt32, Int) -> Bool = { _, _ in false }) throws(SlurmError) -> SlurmJobsLoad {
        var message: UnsafeMutablePointer<job_info_msg_t>?
        let result = slurm_load_jobs(time_t(lastUpdate), &message, HPC_SLURM_SHOW_ALL)
        if result != SLURM_SUCCESS {
            let code = slurm_get_errno()
            if code == HPC_SLURM_NO_CHANGE_IN_DATA { return .unchanged }
            throw SlurmError(operation: "slurm_load_jobs", code: code, message: String(cString: slurm_strerror(code)))
        }
        guard let message else { return .jobs(changed: [], unchanged: [], lastUpdate: lastUpdate) }
        defer { slurm_free_job_info_msg(message) }
        let count = Int(message.pointee.record_count)
        var changed: [SlurmJobRecord] = []
        var unchanged: [UInt32] = []
        unchanged.reserveCapacity(count)
        if let jobs = message.pointee.job_array {
            for index in 0..<count {
                let fingerprint = Self.fingerprint(jobs[index])
                if isUnchanged(jobs[index].job_id, fingerprint) {
                    unchanged.append(jobs[index].job_id)
                } else {
                    var record = Self.record(jobs[index])
                    record.fingerprint = fingerprint
                    changed.append(record)
                }
            }
        }
        return .jobs(changed: changed, unchanged: unchanged, lastUpdate: Int(message.pointee.last_update))
    }

    /// What moves when a job's story moves: its state, restarts, suspensions, start, and for
    /// an array's pending record the tasks it still holds. Not a pending job's expected start,
    /// which the scheduler revises all the time.
    private static func fingerprint(_ job: slurm_job_info_t) -> Int {
        var hasher = Hasher()
        let base = job.job_state & HPC_SLURM_JOB_STATE_BASE
        hasher.combine(base)
        hasher.combine(job.job_state & (HPC_SLURM_JOB_REQUEUE | HPC_SLURM_JOB_REQUEUE_HOLD | HPC_SLURM_JOB_REQUEUE_FED))
        hasher.combine(job.restart_cnt)
        hasher.combine(job.suspend_time)
        hasher.combine(job.array_task_id)
        if base != SlurmBaseState.pending.rawValue { hasher.combine(job.start_time) }
        if let tasks = job.array_task_str { hasher.combine(String(cString: tasks)) }
        return hasher.finalize()
    }

    /// The pids of every job step running on `node`, by job id (an array task's own id, as
    /// its cgroup would name it): one `slurm_get_job_steps` to slurmctld, then one
    /// `slurm_job_step_get_pids` to the node's slurmd per step there. What the collector reads
    /// when jobs have no cgroups.
    public func stepPIDs(onNode node: String) throws(SlurmError) -> [String: [Int32]] {
        var response: UnsafeMutablePointer<job_step_info_response_msg_t>?
        guard slurm_get_job_steps(0, HPC_SLURM_NO_VAL, HPC_SLURM_NO_VAL, &response, HPC_SLURM_SHOW_ALL) == SLURM_SUCCESS else {
            let code = slurm_get_errno()
            throw SlurmError(operation: "slurm_get_job_steps", code: code, message: String(cString: slurm_strerror(code)))
        }
        guard let response else { return [:] }
        defer { slurm_free_job_step_info_response_msg(response) }
        var pids: [String: [Int32]] = [:]
        guard let steps = response.pointee.job_steps else { return [:] }
        for index in 0..<Int(response.pointee.job_step_count) {
            let step = steps[index]
            guard let nodes = Self.string(step.nodes), (try? SlurmHostlist.expand(nodes))?.contains(node) == true else { continue }
            let jobID = "\(step.step_id.job_id)"
            var stepID = step.step_id
            var stepPIDs: UnsafeMutablePointer<job_step_pids_response_msg_t>?
            // libslurm takes `char *` for a name it only reads.
            let result = node.withCString { slurm_job_step_get_pids(&stepID, UnsafeMutablePointer(mutating: $0), &stepPIDs) }
            guard result == SLURM_SUCCESS, let stepPIDs else { continue }
            defer { slurm_job_step_pids_response_msg_free(stepPIDs) }
            guard let iterator = slurm_list_iterator_create(stepPIDs.pointee.pid_list) else { continue }
            defer { slurm_list_iterator_destroy(iterator) }
            while let item = slurm_list_next(iterator) {
                let entry = item.assumingMemoryBound(to: job_step_pids_t.self).pointee
                guard let list = entry.pid else { continue }
                pids[jobID, default: []] += (0..<Int(entry.pid_cnt)).map { Int32(bitPattern: list[$0]) }
            }
        }
        return pids
    }

    /// What job `jobID` (its own id, as a node's cgroups name it) holds on `node`: the id the
    /// service records it under and its GPUs there, from slurmctld's record of the job
    /// (`slurm_load_job` with `SHOW_DETAIL`, one RPC). Nil when slurmctld does not know the job
    /// or it has no part on `node`.
    public func allocation(ofJob jobID: UInt32, onNode node: String) throws(SlurmError) -> (jobID: String, gpuIndices: [Int])? {
        var message: UnsafeMutablePointer<job_info_msg_t>?
        guard slurm_load_job(&message, jobID, HPC_SLURM_SHOW_DETAIL) == SLURM_SUCCESS else {
            let code = slurm_get_errno()
            if code == ESLURM_INVALID_JOB_ID.rawValue { return nil }
            throw SlurmError(operation: "slurm_load_job", code: code, message: String(cString: slurm_strerror(code)))
        }
        guard let message else { return nil }
        defer { slurm_free_job_info_msg(message) }
        // For an array's own id slurmctld may answer with every task: take the record asked for.
        guard let records = message.pointee.job_array,
            let job = (0..<Int(message.pointee.record_count)).lazy.map({ records[$0] }).first(where: { $0.job_id == jobID })
        else { return nil }
        guard let nodes = Self.string(job.nodes), let hosts = try? SlurmHostlist.expand(nodes), let index = hosts.firstIndex(of: node) else {
            return nil
        }
        let isArrayTask = job.array_job_id != 0 && job.array_task_id != HPC_SLURM_NO_VAL
        let publicID = isArrayTask ? "\(job.array_job_id)_\(job.array_task_id)" : "\(job.job_id)"
        var gpus: [Int] = []
        if index < Int(job.gres_detail_cnt), let details = job.gres_detail_str, let detail = Self.string(details[index]) {
            gpus = SlurmGRESDetail.gpuIndices(detail)
        }
        return (publicID, gpus)
    }

    private static func record(_ job: slurm_job_info_t) -> SlurmJobRecord {
        let state = job.job_state
        let isArrayTask = job.array_job_id != 0 && job.array_task_id != HPC_SLURM_NO_VAL
        return SlurmJobRecord(
            jobID: job.job_id,
            arrayJobID: job.array_job_id != 0 ? job.array_job_id : nil,
            arrayTaskID: isArrayTask ? job.array_task_id : nil,
            pendingArrayTasks: !isArrayTask && job.array_job_id != 0 ? string(job.array_task_str) : nil,
            baseState: SlurmBaseState(rawValue: state & HPC_SLURM_JOB_STATE_BASE) ?? .pending,
            isRequeueing: state & (HPC_SLURM_JOB_REQUEUE | HPC_SLURM_JOB_REQUEUE_HOLD | HPC_SLURM_JOB_REQUEUE_FED) != 0,
            userID: job.user_id,
            userName: string(job.user_name),
            attributes: JobAttributes(
                name: string(job.name),
                partition: string(job.partition),
                account: string(job.account),
                cluster: string(job.cluster)
            ),
            nodes: string(job.nodes),
            submitTime: date(job.submit_time),
            startTime: job.job_state & HPC_SLURM_JOB_STATE_BASE == SlurmBaseState.pending.rawValue ? nil : date(job.start_time),
            endTime: date(job.end_time),
            suspendTime: date(job.suspend_time),
            exitStatus: job.exit_code == HPC_SLURM_NO_VAL ? 0 : Int(job.exit_code),
            restartCount: Int(job.restart_cnt),
            requestedTRES: string(job.tres_req_str)
        )
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer, pointer.pointee != 0 else { return nil }
        return String(cString: pointer)
    }

    private static func date(_ time: time_t) -> Date? {
        time > 0 ? Date(timeIntervalSince1970: TimeInterval(time)) : nil
    }

    static func clusterName(inConfig text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let setting = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let pair = setting.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "clustername" else { continue }
            let name = pair[1].trimmingWhitespace()
            return name.isEmpty ? nil : String(name)
        }
        return nil
    }
}
