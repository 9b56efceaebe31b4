#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A partial change to a job, as a `PATCH` sends it: nil fields, and attributes left nil,
/// stay as they are. Starts as ``nothing`` and is given what changes.
public struct JobUpdate: CarriesJobAttributes, Sendable, Hashable {
    public var state: JobState? = nil
    public var user: String? = nil
    public var nodes: [String]? = nil
    public var attributes = JobAttributes()
    public var exitCode: Int? = nil
    public var startTime: Date? = nil
    public var endTime: Date? = nil
}

extension JobUpdate {
    /// The update that changes nothing, to be given what changes:
    /// `var update = JobUpdate.nothing; update.state = .running`.
    public static let nothing = JobUpdate()
}

extension Job {
    /// The job after `update`, validated.
    ///
    /// Entering `running` stamps a missing start time with `now`, and entering a terminal state
    /// stamps a missing end time, so that `PATCH {"state": "completed"}` alone gives a runtime.
    public func applying(_ update: JobUpdate, now: Date) throws -> Job {
        var job = self
        if let next = update.state {
            try state.validateUpdate(to: next, jobID: id)
            job.state = next
        }
        if let user = update.user { job.user = user }
        if let nodes = update.nodes { job.nodes = nodes }
        job.attributes = job.attributes.updated(with: update.attributes)
        // Its key names the cluster: another would make the job another cluster's job 123.
        if schedulerID != id, job.attributes.cluster != attributes.cluster {
            throw ValidationError(
                .inconsistent,
                field: "cluster",
                "job \(schedulerID) is recorded under cluster '\(attributes.cluster ?? "")' and keeps it; record the other cluster's job on its own"
            )
        }
        if let exitCode = update.exitCode { job.exitCode = exitCode }
        if let startTime = update.startTime { job.startTime = startTime }
        if let endTime = update.endTime { job.endTime = endTime }
        if job.state != state {
            if job.state == .running, job.startTime == nil { job.startTime = now }
            if job.state.isTerminal, job.endTime == nil { job.endTime = max(now, job.startTime ?? now) }
        }
        try job.validate()
        return job
    }
}
