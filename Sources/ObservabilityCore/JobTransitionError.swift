/// A requested state change that the job's current state does not allow.
///
/// Surfaces as `409 Conflict`: the request was well formed, but the job has moved on.
public struct JobTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public let jobID: String
    public let from: JobState
    public let to: JobState

    public init(jobID: String, from: JobState, to: JobState) {
        self.jobID = jobID
        self.from = from
        self.to = to
    }

    public var description: String {
        if from.isTerminal {
            return "job '\(jobID)' is \(from.rawValue) and cannot become \(to.rawValue); a finished job only reopens through a requeue event"
        }
        if to == .pending {
            return "job '\(jobID)' is \(from.rawValue) and cannot go back to pending except through a requeue event"
        }
        return "job '\(jobID)' cannot move from \(from.rawValue) to \(to.rawValue)"
    }
}
