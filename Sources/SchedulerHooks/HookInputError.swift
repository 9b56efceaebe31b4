/// The scheduler's environment or arguments do not describe a job the hook can report.
/// The hook logs it and exits 0; the poller still sees the job.
public struct HookInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable or argument at fault, such as `SLURM_JOB_ID`.
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
