public import ObservabilityCore
import SchedulerFormats

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns a PBS prologue's or epilogue's arguments into the event they stand for, with the
/// usage the epilogue reports.
///
/// MoM runs both on the mother superior only, once per run of the job. A bad value
/// (a non-numeric `mem`, an unknown unit) costs that value, never the event: it is left out
/// and named in ``Made/problems`` for the log.
public enum PBSHookEvent {
    /// The event, and what of the arguments it could not use, for the hook's log line.
    public struct Made: Sendable {
        public var event: LifecycleEvent
        public var problems: [String]
    }

    /// - Parameters:
    ///   - hostName: this host's short name, the node when nothing better is known.
    ///   - cluster: `CLUSTER_NAME`; without it, the PBS server named in the job id.
    public static func make(
        _ arguments: PBSHookArguments,
        environment: [String: String],
        now: Date,
        hostName: String,
        cluster configuredCluster: String? = nil,
        nodeFile: (String) -> String? = { _ in nil }
    ) -> Made {
        var problems: [String] = []
        func attempt<Value>(_ body: () throws(SchedulerFormatError) -> Value?) -> Value? {
            switch Result(catching: body) {
            case .success(let value): return value
            case .failure(let error):
                problems.append("\(error); left out")
                return nil
            }
        }

        let nodes = self.nodes(arguments, environment: environment, hostName: hostName, nodeFile: nodeFile)
        let requested = arguments.requested.map { PBSResourceList(parsing: $0, field: "Resource_List") }
        let used = arguments.used.map { PBSResourceList(parsing: $0, field: "resources_used") }
        for list in [requested, used].compactMap({ $0 }) where list.wasCut {
            problems.append("\(list.field) reached \(PBSResourceList.cutLength) bytes and may have been cut: its last value was ignored")
        }

        var event = LifecycleEvent(
            id: eventID(arguments, node: nodes.first ?? hostName, now: now),
            jobID: arguments.jobID,
            kind: arguments.role == .prolog ? .started : .ended,
            time: now,
            user: arguments.user,
            nodes: nodes,
            attributes: JobAttributes(
                name: arguments.jobName,
                partition: arguments.queue,
                account: arguments.account,
                cluster: configuredCluster ?? arguments.server
            )
        )
        if let requested {
            event.requestedCPUs = attempt { () throws(SchedulerFormatError) in try requested.requestedCPUs() }
            event.requestedMemoryBytes = attempt { () throws(SchedulerFormatError) in try requested.bytes("mem") }
            event.requestedGPUs = attempt { () throws(SchedulerFormatError) in try requested.requestedGPUs() }
        }

        guard arguments.role == .epilog else { return Made(event: event, problems: problems) }
        applyExitStatus(arguments, to: &event, problems: &problems)
        guard let used else { return Made(event: event, problems: problems) }
        // The start of the run that ended: the job's start where no prologue recorded one,
        // and what tells a late copy of a requeue from the requeue of the current run.
        if let walltime = attempt({ () throws(SchedulerFormatError) in try used.seconds("walltime") }) {
            event.startTime = now.addingTimeInterval(-walltime)
        }
        // A requeued run's use is not the job's: the next run reports its own.
        guard event.kind == .ended else { return Made(event: event, problems: problems) }
        if event.requestedCPUs == nil {
            event.requestedCPUs = attempt { () throws(SchedulerFormatError) in try used.count("ncpus") }.flatMap { $0 > 0 ? $0 : nil }
        }
        let cpuSeconds = attempt { () throws(SchedulerFormatError) in try used.seconds("cput") }
        let peakMemory = attempt { () throws(SchedulerFormatError) in try used.bytes("mem") }
        if let cpuSeconds, let peakMemory {
            event.usage = LifecycleEvent.Usage(node: nodes.first ?? hostName, cpuSeconds: cpuSeconds, peakMemoryBytes: peakMemory)
        } else {
            problems.append("resources_used has no usable cput and mem: no usage recorded")
        }
        return Made(event: event, problems: problems)
    }

    /// The end PBS reports: a requeue for its reruns, a limit kill named as such, otherwise
    /// ended with the exit code (a non-zero code is `failed`).
    private static func applyExitStatus(_ arguments: PBSHookArguments, to event: inout LifecycleEvent, problems: inout [String]) {
        guard let text = arguments.exitStatus else {
            problems.append("no exit status: the job is recorded as failed")
            event.finalState = .failed
            return
        }
        let status: PBSExitStatus
        switch Result(catching: { () throws(SchedulerFormatError) in try PBSExitStatus(parsing: text, flavor: arguments.flavor) }) {
        case .success(let parsed):
            status = parsed
        case .failure(let error):
            problems.append("\(error): the job is recorded as failed")
            event.finalState = .failed
            return
        }
        event.exitCode = status.exitCode
        guard case .pbsFailure(let failure) = status else { return }
        switch failure.outcome {
        case .requeued:
            event.kind = .requeued
            event.exitCode = nil
            event.nodes = []
        case .overTimeLimit:
            event.finalState = .timeout
        case .overMemoryLimit:
            event.finalState = .outOfMemory
        case .failed:
            event.finalState = .failed
        }
    }

    /// PBS gives a hook nothing that names the run (a rerun keeps the job id), so the time the
    /// hook ran does: the spooled copy keeps the id it was given, which is all replays need.
    ///
    /// At most 255 bytes whatever the inputs: the job id and node are cut to 128 and 64
    /// printable ASCII bytes, so the time that tells runs apart is never cut off.
    static func eventID(_ arguments: PBSHookArguments, node: String, now: Date) -> String {
        func printable(_ text: String, _ limit: Int) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }.prefix(limit)))
        }
        let script = arguments.role == .prolog ? "prologue" : "epilogue"
        let milliseconds = Int64(saturating: (now.timeIntervalSince1970 * 1_000).rounded(.down))
        return "pbs:\(printable(arguments.jobID, 128)):\(script):\(printable(node, 64)):\(milliseconds)"
    }

    /// The job's hosts, mother superior first: the `exec_host` the OpenPBS hook passes
    /// (`HPC_OBS_PBS_EXEC_HOST`), Torque's host list argument or `PBS_NODEFILE`, or this host
    /// (which is the mother superior: MoM runs prologues and epilogues nowhere else).
    static func nodes(_ arguments: PBSHookArguments, environment: [String: String], hostName: String, nodeFile: (String) -> String?) -> [String] {
        let sources = [
            environment["HPC_OBS_PBS_EXEC_HOST"],
            arguments.hosts,
            environment["PBS_NODEFILE"].flatMap(nodeFile),
            environment["PBS_MSHOST"],
        ]
        for case let text? in sources {
            let hosts = PBSExecHost.hosts(text)
            if !hosts.isEmpty { return hosts }
        }
        return hostName.isEmpty ? [] : [hostName]
    }
}
