#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What applying a lifecycle event does to the stored job. Computed without I/O, written by a store.
public enum LifecycleChange: Sendable, Hashable {
    /// The job was unknown: store this new job.
    case create(Job)
    /// The job changed: store this version.
    case update(Job)
    /// The event told us nothing new.
    case unchanged(Job)

    /// The job as it is after the change.
    public var job: Job {
        switch self {
        case .create(let job), .update(let job), .unchanged(let job): job
        }
    }
}

/// The single place that decides what a scheduler event does to a job.
///
/// Its rules tolerate the way events really arrive:
/// - late: a prolog replayed from a spool after the epilog fills in the start time but does
///   not reopen the job;
/// - twice or from every node: a multi-node job's prologs each add their node, and a second
///   epilog leaves the first one's final state in place;
/// - out of nowhere: any event for an unknown job creates it, so a lost submit costs nothing;
/// - from sources that know more or less: an end named by the scheduler (cancelled, timeout,
///   out of memory, …) refines one derived from an exit status (completed, failed), never the
///   other way round.
public enum LifecycleTranslator {
    public static func change(applying event: LifecycleEvent, to existing: Job?) throws(ValidationError) -> LifecycleChange {
        try event.validate()
        guard let existing else {
            let created = newJob(from: event)
            try created.validate()
            return .create(created)
        }
        var job = existing
        merge(event, into: &job)
        switch event.kind {
        case .submitted:
            break
        case .started:
            if job.state == .pending || job.state == .suspended { job.state = .running }
            if job.startTime == nil { job.startTime = event.startTime ?? event.time }
        case .ended:
            if !job.state.isTerminal {
                job.state = event.resolvedFinalState
                job.endTime = event.time
            } else if let finalState = event.finalState, finalState.isSpecificEnd, !job.state.isSpecificEnd {
                // An epilog only sees an exit status and records `failed` for a job killed by
                // a signal; the scheduler's own verdict (cancelled, timeout, …) refines it.
                job.state = finalState
            }
            if job.exitCode == nil { job.exitCode = event.exitCode }
            if job.endTime == nil { job.endTime = event.time }
            // The scheduler's record of when the run began (the poller reading slurmctld, PBS's
            // walltime) wins over a node's clock, which may run ahead or behind.
            if let startTime = event.startTime { job.startTime = startTime }
        case .requeued:
            // A requeue naming the start of the run it ended, when the job has started since,
            // is a spooled copy replayed late: that run is over, and this one must stay.
            if let endedRun = event.startTime, let current = existing.startTime,
                current.timeIntervalSince(endedRun) > sameRunTolerance
            {
                break
            }
            job.state = .pending
            job.nodes = event.nodes
            job.startTime = nil
            job.endTime = nil
            job.exitCode = nil
        case .suspended:
            if job.state == .running { job.state = .suspended }
        case .resumed:
            if job.state == .suspended { job.state = .running }
        }
        clampClockSkew(&job)
        try job.validate()
        return job == existing ? .unchanged(job) : .update(job)
    }

    /// How far two sources' starts of the same run may differ: a prologue runs before the
    /// job's walltime starts counting, walltime is whole seconds, and hosts' clocks differ.
    static let sameRunTolerance: TimeInterval = 10

    private static func newJob(from event: LifecycleEvent) -> Job {
        var job = Job(id: event.jobID, user: event.user, submitTime: event.submitTime ?? event.startTime ?? event.time)
        merge(event, into: &job)
        switch event.kind {
        case .submitted, .requeued:
            job.state = .pending
        case .started, .resumed:
            job.state = .running
            job.startTime = event.startTime ?? event.time
        case .suspended:
            job.state = .suspended
            job.startTime = event.startTime
        case .ended:
            job.state = event.resolvedFinalState
            job.exitCode = event.exitCode
            job.startTime = event.startTime
            job.endTime = event.time
        }
        clampClockSkew(&job)
        return job
    }

    /// Fields the event knows overwrite the job's (newer information wins); nodes accumulate,
    /// because each node's prolog names only itself.
    private static func merge(_ event: LifecycleEvent, into job: inout Job) {
        if !event.user.isEmpty { job.user = event.user }
        if !event.nodes.isEmpty {
            var known = Set(job.nodes)
            for node in event.nodes where known.insert(node).inserted {
                job.nodes.append(node)
            }
        }
        job.attributes = job.attributes.updated(with: event.attributes)
        if let submitTime = event.submitTime { job.submitTime = submitTime }
    }

    /// Events come from different hosts whose clocks differ. A job cannot have started after
    /// it ended: when its end is reported before its start, one clock runs ahead and which one
    /// cannot be told, so the start moves back to the end (runtime 0, never negative) until a
    /// source that knows the start (the poller, reading slurmctld) reports it. The end stays:
    /// moving it forward would put it in the future of every other clock.
    private static func clampClockSkew(_ job: inout Job) {
        if let startTime = job.startTime, let endTime = job.endTime, endTime < startTime {
            job.startTime = endTime
        }
    }
}
