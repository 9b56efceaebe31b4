public import ObservabilityCore
import SchedulerFormats

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns a qstat record into the lifecycle event that brings the store up to date. The same
/// job in the same state and run maps to the same event id, so a snapshot read twice changes
/// nothing; ids are the hooks' (`15.vm`, `20[1].vm`), so a job the hooks and the poller both
/// see is one job.
public enum PBSJobMapper {
    /// What a `job_state` letter is to the service; nil for the two the poller leaves alone:
    /// `B`, an array parent (its subjobs are the jobs), and `M`, a job moved to another
    /// server (that server's poller records it).
    public enum Phase: Sendable, Hashable {
        case pending, running, suspended, ended
    }

    public static func phase(_ state: String) -> Phase? {
        switch state {
        case "Q", "H", "W", "T": .pending
        case "R", "E": .running
        case "S", "U": .suspended
        case "F", "X": .ended
        default: nil
        }
    }

    /// `substate` 91: OpenPBS's `JOB_SUBSTATE_TERMINATED`, a finished job that was deleted.
    public static let deletedSubstate = 91

    /// How a finished job ended: deleted (`substate` 91) is `cancelled` whatever its exit
    /// status; otherwise as the epilogue reads `Exit_status` (0 completed, a code or a signal
    /// failed, walltime and memory kills as such). No exit status is `failed` without a code.
    public static func end(_ record: QstatJobRecord) -> (state: JobState, exitCode: Int?) {
        let status = record.exitStatus.flatMap { try? PBSExitStatus(parsing: String($0), flavor: .openPBS) }
        if record.substate == deletedSubstate { return (.cancelled, status?.exitCode) }
        guard let status else { return (.failed, nil) }
        switch status {
        case .exited(let code): return (code == 0 ? .completed : .failed, code)
        case .killed: return (.failed, status.exitCode)
        case .pbsFailure(let failure):
            switch failure.outcome {
            case .overTimeLimit: return (.timeout, status.exitCode)
            case .overMemoryLimit: return (.outOfMemory, status.exitCode)
            case .requeued, .failed: return (.failed, status.exitCode)
            }
        }
    }

    /// The event for one record, nil for an array parent and a moved job.
    /// - Parameter cluster: `CLUSTER_NAME`; without it, the server named in the job id, as
    ///   the hooks do.
    public static func event(for record: QstatJobRecord, cluster: String?, now: Date) -> LifecycleEvent? {
        guard !record.isArrayParent, let phase = phase(record.state) else { return nil }
        let run = "r\(record.runCount)"
        var event = LifecycleEvent(id: "", jobID: record.id, kind: .submitted, time: now, user: record.user)
        switch phase {
        case .pending:
            // A job back in the queue after a run (qrerun, a lost MoM) is a requeue.
            event.kind = record.runCount > 0 ? .requeued : .submitted
            event.id = "pbs-poll:\(record.id):pending:\(run)"
            event.time = record.submitTime ?? now
        case .running:
            event.kind = .started
            event.id = "pbs-poll:\(record.id):running:\(run)"
            event.time = record.startTime ?? now
            event.startTime = record.startTime
        case .suspended:
            event.kind = .suspended
            event.id = "pbs-poll:\(record.id):suspended:\(run)"
            event.startTime = record.startTime
        case .ended:
            let (state, exitCode) = end(record)
            event.kind = .ended
            event.id = "pbs-poll:\(record.id):ended:\(run)"
            event.time = record.endTime ?? now
            event.finalState = state
            event.exitCode = exitCode
            event.startTime = record.startTime
            if let node = record.hosts.first, let cpuSeconds = try? record.used.seconds("cput"), let memory = try? record.used.bytes("mem") {
                event.usage = LifecycleEvent.Usage(node: node, cpuSeconds: cpuSeconds, peakMemoryBytes: memory)
            }
        }
        if phase != .pending { event.nodes = record.hosts }
        event.submitTime = record.submitTime
        event.attributes = JobAttributes(name: record.name, partition: record.queue, account: record.account, cluster: cluster ?? record.server)
        event.requestedCPUs = (try? record.requested.requestedCPUs()) ?? nil
        event.requestedMemoryBytes = (try? record.requested.bytes("mem")) ?? nil
        event.requestedGPUs = (try? record.requested.requestedGPUs()) ?? nil
        return event
    }
}
