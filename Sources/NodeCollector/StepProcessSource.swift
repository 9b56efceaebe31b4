/// The processes of each job on a node where no job cgroups name them: slurmd's step records
/// through libslurm on a node, a recorded table in tests.
public protocol StepProcessSource: Sendable {
    /// The pids of every job step on `node`, by the job's own id; throws when Slurm cannot
    /// be asked.
    func stepPIDs(onNode node: String) async throws -> [String: [Int32]]
}
