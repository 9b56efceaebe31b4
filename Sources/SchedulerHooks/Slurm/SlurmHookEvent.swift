public import ObservabilityCore
import SchedulerFormats

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns the environment Slurm gives a Prolog or Epilog into the event it stands for.
///
/// What each context sees (Slurm 22.05, checked on the testbed): every context has
/// `SLURM_JOB_ID`, `SLURM_JOB_USER`, `SLURM_JOB_UID`, `SLURM_JOB_PARTITION`,
/// `SLURM_CLUSTER_NAME` and `SLURM_JOB_RESTART_COUNT`; node contexts add `SLURMD_NODENAME`;
/// controller contexts add `SLURM_JOB_NODELIST`, `SLURM_JOB_NAME`, `SLURM_JOB_ACCOUNT` and,
/// for array tasks, `SLURM_ARRAY_JOB_ID`/`SLURM_ARRAY_TASK_ID`; epilogs add
/// `SLURM_JOB_EXIT_CODE` (a wait status) and `SLURM_JOB_EXIT_CODE2` (`code:signal`).
public enum SlurmHookEvent {
    public static func make(
        context: SlurmHookContext,
        environment: [String: String],
        now: Date,
        cluster configuredCluster: String? = nil
    ) throws(HookInputError) -> LifecycleEvent {
        func value(_ key: String) -> String? {
            guard let text = environment[key], !text.isEmpty, text != "(null)" else { return nil }
            return text
        }

        let jobID = try jobIdentifier(environment: environment)
        guard let user = value("SLURM_JOB_USER") ?? value("SLURM_JOB_UID") else {
            throw HookInputError(variable: "SLURM_JOB_USER", problem: "missing, and so is SLURM_JOB_UID")
        }

        var nodes: [String] = []
        if context.runsOnController {
            if let list = value("SLURM_JOB_NODELIST") {
                do throws(SchedulerFormatError) {
                    nodes = try SlurmHostlist.expand(list, field: "SLURM_JOB_NODELIST")
                } catch {
                    throw HookInputError(variable: "SLURM_JOB_NODELIST", problem: error.reason)
                }
            }
        } else if let node = value("SLURMD_NODENAME") {
            nodes = [node]
        }

        var exitCode: Int?
        if context.role == .epilog {
            exitCode = try exitStatus(environment: environment)?.exitCode
        }

        var event = LifecycleEvent(
            id: eventID(jobID: jobID, context: context, node: context.runsOnController ? nil : nodes.first, environment: environment),
            jobID: jobID,
            kind: context.role == .prolog ? .started : .ended,
            time: now,
            user: user,
            nodes: nodes,
            exitCode: exitCode,
            attributes: JobAttributes(
                name: value("SLURM_JOB_NAME"),
                partition: value("SLURM_JOB_PARTITION"),
                account: value("SLURM_JOB_ACCOUNT"),
                cluster: configuredCluster ?? value("SLURM_CLUSTER_NAME")
            )
        )
        if let cpus = value("SLURM_JOB_CPUS_PER_NODE").flatMap(totalCPUs) { event.requestedCPUs = cpus }
        return event
    }

    /// `SLURM_JOB_ID`, or `ARRAYID_TASKID` for an array task where the context says so.
    static func jobIdentifier(environment: [String: String]) throws(HookInputError) -> String {
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"],
            isDecimal(array), isDecimal(task)
        {
            return "\(array)_\(task)"
        }
        guard let id = environment["SLURM_JOB_ID"] ?? environment["SLURM_JOBID"] else {
            throw HookInputError(variable: "SLURM_JOB_ID", problem: "missing: this does not look like a Slurm Prolog or Epilog")
        }
        guard isDecimal(id) else {
            throw HookInputError(variable: "SLURM_JOB_ID", problem: "'\(id.prefix(40))' is not a decimal job id")
        }
        return id
    }

    /// The same occurrence always gets the same id, so a spooled copy delivered twice counts
    /// once; a requeued job's next run (`SLURM_JOB_RESTART_COUNT`) gets new ones.
    static func eventID(jobID: String, context: SlurmHookContext, node: String?, environment: [String: String]) -> String {
        var id = "slurm:\(jobID):\(context.rawValue)"
        if let node { id += ":" + String(node.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }) }
        if let restarts = environment["SLURM_JOB_RESTART_COUNT"], let count = Int(restarts), count > 0 {
            id += ":r\(count)"
        }
        return String(id.prefix(LifecycleEvent.maxEventIDBytes))
    }

    /// `SLURM_JOB_EXIT_CODE2` (`3:0`), else the wait status in `SLURM_JOB_EXIT_CODE`.
    static func exitStatus(environment: [String: String]) throws(HookInputError) -> SlurmExitStatus? {
        if let pair = environment["SLURM_JOB_EXIT_CODE2"], !pair.isEmpty {
            do throws(SchedulerFormatError) {
                return try SlurmExitStatus(pair: pair)
            } catch {
                throw HookInputError(variable: "SLURM_JOB_EXIT_CODE2", problem: error.reason)
            }
        }
        if let raw = environment["SLURM_JOB_EXIT_CODE"], !raw.isEmpty {
            guard let status = Int(raw), status >= 0 else {
                throw HookInputError(variable: "SLURM_JOB_EXIT_CODE", problem: "'\(raw.prefix(40))' is not a wait status")
            }
            return SlurmExitStatus(waitStatus: status)
        }
        return nil
    }

    /// `SLURM_JOB_CPUS_PER_NODE` such as `4`, `2(x3),1`: the job's CPUs over all its nodes.
    static func totalCPUs(_ text: String) -> Int? {
        var total = 0
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "(", maxSplits: 1, omittingEmptySubsequences: false)
            guard let cpus = Int(pieces[0]) else { return nil }
            var nodes = 1
            if pieces.count == 2 {
                guard pieces[1].hasPrefix("x"), pieces[1].hasSuffix(")"), let count = Int(pieces[1].dropFirst().dropLast()) else { return nil }
                nodes = count
            }
            let (product, productOverflow) = cpus.multipliedReportingOverflow(by: nodes)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard cpus >= 0, nodes >= 0, !productOverflow, !sumOverflow else { return nil }
            total = sum
        }
        return total > 0 ? total : nil
    }

    private static func isDecimal(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 20 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
