public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Slurm's base job states, in `enum job_states` order (stable since Slurm 2.x).
public enum SlurmBaseState: UInt32, Sendable, Hashable, CaseIterable {
    case pending, running, suspended, complete, cancelled, failed, timeout, nodeFail, preempted, bootFail, deadline, outOfMemory
}

/// What the poller keeps of one `slurm_job_info_t`: copied out of libslurm's buffer so the
/// buffer can be freed at once and everything after it is plain Swift, testable without a
/// cluster.
public struct SlurmJobRecord: CarriesJobAttributes, Sendable, Hashable {
    public var jobID: UInt32
    /// The array's id and this task's id; both nil for a job that is not an array task.
    public var arrayJobID: UInt32?
    public var arrayTaskID: UInt32?
    /// For the one record that stands for an array's tasks not yet started (`5_[2-9%2]`).
    public var pendingArrayTasks: String?
    public var baseState: SlurmBaseState
    /// `JOB_REQUEUE*`: on its way back to the queue.
    public var isRequeueing: Bool
    public var userID: UInt32
    public var userName: String?
    /// The name, partition, account and cluster as slurmctld holds them. The requests are
    /// in ``requestedTRES``, which the mapper reads.
    public var attributes: JobAttributes
    /// A host list expression such as `cn[01-04]`.
    public var nodes: String?
    public var submitTime: Date?
    public var startTime: Date?
    public var endTime: Date?
    /// When the job was last suspended or resumed.
    public var suspendTime: Date?
    /// A wait status, as `SLURM_JOB_EXIT_CODE`.
    public var exitStatus: Int
    public var restartCount: Int
    /// `tres_req_str`: what the job asked for.
    public var requestedTRES: String?
    /// A hash of the fields whose change makes a new event; see ``SlurmController``.
    public var fingerprint = 0

    public init(
        jobID: UInt32,
        arrayJobID: UInt32? = nil,
        arrayTaskID: UInt32? = nil,
        pendingArrayTasks: String? = nil,
        baseState: SlurmBaseState,
        isRequeueing: Bool = false,
        userID: UInt32,
        userName: String? = nil,
        attributes: JobAttributes = JobAttributes(),
        nodes: String? = nil,
        submitTime: Date? = nil,
        startTime: Date? = nil,
        endTime: Date? = nil,
        suspendTime: Date? = nil,
        exitStatus: Int = 0,
        restartCount: Int = 0,
        requestedTRES: String? = nil
    ) {
        self.jobID = jobID
        self.arrayJobID = arrayJobID
        self.arrayTaskID = arrayTaskID
        self.pendingArrayTasks = pendingArrayTasks
        self.baseState = baseState
        self.isRequeueing = isRequeueing
        self.userID = userID
        self.userName = userName
        self.attributes = attributes
        self.nodes = nodes
        self.submitTime = submitTime
        self.startTime = startTime
        self.endTime = endTime
        self.suspendTime = suspendTime
        self.exitStatus = exitStatus
        self.restartCount = restartCount
        self.requestedTRES = requestedTRES
    }
}
