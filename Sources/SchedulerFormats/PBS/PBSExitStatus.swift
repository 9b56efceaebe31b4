/// A PBS job's `Exit_status`, as the epilogue's last argument gives it.
///
/// MoM reports the script's own exit code (0–255), 256 + the signal for a job a signal
/// killed (`WTERMSIG + 0x100`: 271 for SIGTERM), and negative `JOB_EXEC_*` codes for what
/// PBS itself did to the job, numbered differently by each flavor (`src/include/job.h`,
/// Torque's `pbs_job.h`).
public enum PBSExitStatus: Sendable, Hashable {
    case exited(code: Int)
    case killed(signal: Int)
    case pbsFailure(PBSFailure)

    /// Reads the epilogue's argument; `flavor` names the table negative codes are read with.
    public init(parsing text: String, flavor: PBSFlavor) throws(SchedulerFormatError) {
        guard let value = Int(text), value > Int(Int32.min), value <= Int(Int32.max) else {
            throw SchedulerFormatError(field: "Exit_status", value: text, reason: "expected a whole number")
        }
        if value < 0 {
            self = .pbsFailure(PBSFailure(code: value, flavor: flavor))
        } else if value > 256, value - 256 < 128 {
            self = .killed(signal: value - 256)
        } else {
            self = .exited(code: value)
        }
    }

    /// The one number the service stores: the exit code, 128 + the signal as shells report
    /// it (143 for SIGTERM, as for Slurm), or PBS's own negative code.
    public var exitCode: Int {
        switch self {
        case .exited(let code): code
        case .killed(let signal): 128 + signal
        case .pbsFailure(let failure): failure.code
        }
    }
}
