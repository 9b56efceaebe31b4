public import ObservabilityCore
import SchedulerFormats

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns what slurmctld says about a job into the lifecycle event that brings the store up to
/// date. The same job in the same state always maps to the same event id, so polling the same
/// state twice changes nothing.
public enum SlurmJobMapper {
    /// The state a Slurm base state ends in. Live states map to themselves.
    public static func jobState(_ state: SlurmBaseState) -> JobState {
        switch state {
        case .pending: .pending
        case .running: .running
        case .suspended: .suspended
        case .complete: .completed
        case .cancelled: .cancelled
        case .failed: .failed
        case .timeout, .deadline: .timeout
        case .nodeFail, .bootFail: .nodeFail
        case .preempted: .preempted
        case .outOfMemory: .outOfMemory
        }
    }

    /// Array tasks a pending array record may stand for; more are left to later polls.
    public static let maxPendingTasksPerRecord = 100_000

    /// The events for one record: one, or one per task for a pending array record, or none
    /// while the job is being requeued (the next poll sees it pending again).
    public static func events(for record: SlurmJobRecord, userName: String, now: Date) -> [LifecycleEvent] {
        if record.isRequeueing { return [] }
        return jobIDs(for: record).map { event(for: record, jobID: $0, userName: userName, now: now) }
    }

    /// The job ids a record stands for, without building its events.
    public static func jobIDs(for record: SlurmJobRecord) -> [String] {
        if let tasks = record.pendingArrayTasks, record.baseState == .pending {
            let arrayID = record.arrayJobID ?? record.jobID
            return taskIDs(tasks).map { "\(arrayID)_\($0)" }
        }
        if let array = record.arrayJobID, let task = record.arrayTaskID { return ["\(array)_\(task)"] }
        return ["\(record.jobID)"]
    }

    private static func event(for record: SlurmJobRecord, jobID: String, userName: String, now: Date) -> LifecycleEvent {
        let state = jobState(record.baseState)
        let run = "r\(record.restartCount)"
        var event = LifecycleEvent(id: "", jobID: jobID, kind: .submitted, time: now, user: userName)
        switch state {
        case .pending:
            event.kind = record.restartCount > 0 ? .requeued : .submitted
            event.id = "slurm-poll:\(jobID):pending:\(run)"
            event.time = record.submitTime ?? now
        case .running:
            event.kind = .started
            // A resumed job runs again after a suspension: the suspend time tells the runs apart.
            event.id = "slurm-poll:\(jobID):running:\(run):s\(seconds(record.suspendTime))"
            event.time = record.startTime ?? now
            event.startTime = record.startTime
        case .suspended:
            event.kind = .suspended
            event.id = "slurm-poll:\(jobID):suspended:\(run):s\(seconds(record.suspendTime))"
            event.time = record.suspendTime ?? now
            event.startTime = record.startTime
        default:
            event.kind = .ended
            event.id = "slurm-poll:\(jobID):ended:\(run)"
            event.time = record.endTime ?? now
            event.finalState = state
            event.exitCode = SlurmExitStatus(waitStatus: record.exitStatus).exitCode
            event.startTime = record.startTime
        }
        if state != .pending, let nodes = record.nodes, let names = try? SlurmHostlist.expand(nodes, field: "nodes") {
            event.nodes = names
        }
        event.attributes = record.attributes
        event.submitTime = record.submitTime
        if let text = record.requestedTRES, let tres = try? SlurmTRES(parsing: text) {
            event.requestedCPUs = tres.cpus.flatMap { $0 > 0 ? $0 : nil }
            event.requestedMemoryBytes = tres.memoryBytes
            event.requestedGPUs = tres.gpus
        }
        return event
    }

    /// `1-3`, `1,4,7-9`, `1-9:2`, `1-100%4` (the `%` part is a throttle, not tasks).
    static func taskIDs(_ text: String) -> [UInt32] {
        let list = text.split(separator: "%", maxSplits: 1).first ?? ""
        var ids: [UInt32] = []
        for part in list.split(separator: ",") {
            let stepParts = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let step = stepParts.count == 2 ? UInt32(stepParts[1]) ?? 1 : 1
            let bounds = stepParts[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let low = UInt32(bounds[0]) else { continue }
            let high = bounds.count == 2 ? UInt32(bounds[1]) ?? low : low
            guard low <= high, step > 0 else { continue }
            for id in stride(from: low, through: high, by: Int(step)) {
                if ids.count >= maxPendingTasksPerRecord { return ids }
                ids.append(id)
            }
        }
        return ids
    }

    private static func seconds(_ date: Date?) -> Int64 {
        Int64(date?.timeIntervalSince1970 ?? 0)
    }
}
