#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One batch job as the service records it: who ran it where, what it asked for, and how it ended.
///
/// Times are UTC instants; stores keep them to the microsecond. Its name, partition, account,
/// cluster and requested resources are its ``attributes``, read as `job.partition`.
public struct Job: CarriesJobAttributes, Sendable, Hashable {
    /// The job's key in the store: the scheduler's id (Slurm's `123`, an array task `120_2`,
    /// PBS's `42.server`), qualified by the cluster where one is known (``JobKey``). Interfaces
    /// show ``schedulerID`` and the cluster.
    public var id: String
    public var user: String
    /// The allocated nodes, in allocation order, each at most once.
    public var nodes: [String]
    public var state: JobState
    public var attributes: JobAttributes
    /// The job's exit status as the user's script returned it (Slurm's `3` for `exit 3`), or the
    /// scheduler's code for a job killed before it could return one.
    public var exitCode: Int?
    public var submitTime: Date
    public var startTime: Date?
    public var endTime: Date?

    public init(
        id: String,
        user: String,
        nodes: [String] = [],
        state: JobState = .pending,
        attributes: JobAttributes = JobAttributes(),
        exitCode: Int? = nil,
        submitTime: Date,
        startTime: Date? = nil,
        endTime: Date? = nil
    ) {
        self.id = id
        self.user = user
        self.nodes = nodes
        self.state = state
        self.attributes = attributes
        self.exitCode = exitCode
        self.submitTime = submitTime
        self.startTime = startTime
        self.endTime = endTime
    }

    /// Seconds the job has run: from start to end, or to `now` while it runs; zero before it starts.
    public func runtime(at now: Date) -> TimeInterval {
        guard let startTime else { return 0 }
        return Microseconds.seconds(from: startTime, to: endTime ?? now)
    }
}

extension Job {
    /// Checks every field against the limits in ``JobLimits``; throws the first violation.
    public func validate() throws(ValidationError) {
        try JobLimits.validateJobID(schedulerID)
        try JobLimits.validateName(user, field: "user", maxBytes: JobLimits.maxUserBytes)
        try JobLimits.validateNodes(nodes)
        try attributes.validate()
        if let exitCode {
            try JobLimits.validateRange(exitCode, field: "exitCode", JobLimits.exitCodeRange)
        }
        try JobLimits.validateTime(submitTime, field: "submitTime")
        if let startTime { try JobLimits.validateTime(startTime, field: "startTime") }
        if let endTime { try JobLimits.validateTime(endTime, field: "endTime") }
        if let startTime, let endTime, endTime < startTime {
            throw ValidationError(.inconsistent, field: "endTime", "endTime is before startTime")
        }
    }
}
