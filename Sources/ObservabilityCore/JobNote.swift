/// A verdict on how a job used what it asked for: a stable code for scripts and dashboards,
/// and a sentence for the person who ran it ("used 1.2 of 16 CPUs on average: ask for fewer").
public struct JobNote: Sendable, Hashable {
    /// What the note is about. The raw values are the API's spelling and do not change.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Far fewer CPUs busy, on average, than were allocated.
        case cpuUnderused = "cpu_underused"
        /// Peak memory far below the request.
        case memoryOverrequested = "memory_overrequested"
        /// The job's GPUs idle most of the time.
        case gpusIdle = "gpus_idle"
        /// Killed for using more memory than it asked for.
        case outOfMemory = "out_of_memory"
        /// Killed at its time limit.
        case timeLimit = "time_limit"
        /// Too short for its figures to mean anything.
        case tooShortToJudge = "too_short_to_judge"
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
