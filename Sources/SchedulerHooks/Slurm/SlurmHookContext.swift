/// Which of Slurm's four hook slots is running, from `SLURM_SCRIPT_CONTEXT`.
public enum SlurmHookContext: String, Sendable, Hashable, CaseIterable {
    /// `Prolog`: on each allocated node, as the job starts there.
    case prologSlurmd = "prolog_slurmd"
    /// `Epilog`: on each allocated node, as the job ends there.
    case epilogSlurmd = "epilog_slurmd"
    /// `PrologSlurmctld`: once, on the controller, as the job is allocated.
    case prologSlurmctld = "prolog_slurmctld"
    /// `EpilogSlurmctld`: once, on the controller, as the job completes.
    case epilogSlurmctld = "epilog_slurmctld"

    public var role: HookRole {
        switch self {
        case .prologSlurmd, .prologSlurmctld: .prolog
        case .epilogSlurmd, .epilogSlurmctld: .epilog
        }
    }

    public var runsOnController: Bool {
        self == .prologSlurmctld || self == .epilogSlurmctld
    }

    /// The context from the environment, or from the executable's role (Slurm before 21.08,
    /// or a wrapper that cleared `SLURM_SCRIPT_CONTEXT`) and whether slurmd set
    /// `SLURMD_NODENAME`.
    public static func detect(role: HookRole, environment: [String: String]) -> SlurmHookContext {
        if let text = environment["SLURM_SCRIPT_CONTEXT"], let context = SlurmHookContext(rawValue: text), context.role == role {
            return context
        }
        let onNode = environment["SLURMD_NODENAME"] != nil
        switch role {
        case .prolog: return onNode ? .prologSlurmd : .prologSlurmctld
        case .epilog: return onNode ? .epilogSlurmd : .epilogSlurmctld
        }
    }
}
