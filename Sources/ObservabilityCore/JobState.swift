/// Where a job is in its life, spelled as the REST API and the Prometheus `state` label spell it.
///
/// Terminal states are final: a job only leaves one through an explicit requeue
/// (``LifecycleEvent/Kind/requeued``), because Slurm reuses the job id for the requeued run.
public enum JobState: String, Sendable, Hashable, CaseIterable, Codable {
    case pending
    case running
    case suspended
    case completed
    case failed
    case cancelled
    case timeout
    case nodeFail = "node_fail"
    case outOfMemory = "out_of_memory"
    case preempted

    /// True for states a job cannot leave without a requeue.
    /// A terminal state only the scheduler can name: an exit status alone says `completed`
    /// or `failed`, never `cancelled` or `timeout`.
    public var isSpecificEnd: Bool {
        isTerminal && self != .completed && self != .failed
    }

    public var isTerminal: Bool {
        switch self {
        case .pending, .running, .suspended: false
        case .completed, .failed, .cancelled, .timeout, .nodeFail, .outOfMemory, .preempted: true
        }
    }

    /// Parses the API spelling; an unknown value is a validation error naming `field` and the accepted values.
    public init(parsing value: String, field: String = "state") throws(ValidationError) {
        guard let state = JobState(rawValue: value) else {
            throw ValidationError(
                .unknownValue,
                field: field,
                "'\(value)' is not a job state; use one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = state
    }

    /// Whether a client may move a job from this state to `next` by an ordinary update.
    ///
    /// Staying in the same state is always allowed. A terminal state allows nothing else, and
    /// a running or suspended job only goes back to pending through a requeue.
    public func allowsUpdate(to next: JobState) -> Bool {
        if next == self { return true }
        switch self {
        case .pending: return next != .suspended
        case .running: return next != .pending
        case .suspended: return next != .pending
        default: return false
        }
    }

    /// Checks ``allowsUpdate(to:)`` and throws the error a user can act on.
    public func validateUpdate(to next: JobState, jobID: String) throws(JobTransitionError) {
        guard allowsUpdate(to: next) else {
            throw JobTransitionError(jobID: jobID, from: self, to: next)
        }
    }
}
