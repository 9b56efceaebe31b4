#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A partial change to a job, as a `PATCH` sends it: nil fields stay as they are.
public struct JobUpdate: Sendable, Hashable {
    public var state: JobState?
    public var user: String?
    public var nodes: [String]?
    public var name: String?
    public var partition: String?
    public var account: String?
    public var cluster: String?
    public var requestedCPUs: Int?
    public var requestedMemoryBytes: Int64?
    public var requestedGPUs: Int?
    public var exitCode: Int?
    public var startTime: Date?
    public var endTime: Date?

    public init(
        state: JobState? = nil,
        user: String? = nil,
        nodes: [String]? = nil,
        name: String? = nil,
        partition: String? = nil,
        account: String? = nil,
        cluster: String? = nil,
        requestedCPUs: Int? = nil,
        requestedMemoryBytes: Int64? = nil,
        requestedGPUs: Int? = nil,
        exitCode: Int? = nil,
        startTime: Date? = nil,
        endTime: Date? = nil
    ) {
        self.state = state
        self.user = user
        self.nodes = nodes
        self.name = name
        self.partition = partition
        self.account = account
        self.cluster = cluster
        self.requestedCPUs = requestedCPUs
        self.requestedMemoryBytes = requestedMemoryBytes
        self.requestedGPUs = requestedGPUs
        self.exitCode = exitCode
        self.startTime = startTime
        self.endTime = endTime
    }
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
        if let name = update.name { job.name = name }
        if let partition = update.partition { job.partition = partition }
        if let account = update.account { job.account = account }
        if let cluster = update.cluster { job.cluster = cluster }
        if let requestedCPUs = update.requestedCPUs { job.requestedCPUs = requestedCPUs }
        if let requestedMemoryBytes = update.requestedMemoryBytes { job.requestedMemoryBytes = requestedMemoryBytes }
        if let requestedGPUs = update.requestedGPUs { job.requestedGPUs = requestedGPUs }
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
