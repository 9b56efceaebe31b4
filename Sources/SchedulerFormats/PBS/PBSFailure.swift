/// What a negative `Exit_status` says PBS did to the job.
public struct PBSFailure: Sendable, Hashable, CustomStringConvertible {
    public enum Outcome: Sendable, Hashable {
        /// PBS puts the job back in the queue to run again: `JOB_EXEC_RETRY`, the `…_RERUN`
        /// codes, a MoM restart's `INITABT`/`INITRST`/`INITRMG` (for rerunnable jobs, the
        /// default) and a failed checkpoint restart's `BADRESRT`.
        case requeued
        /// Killed for running past its walltime or CPU time limit.
        case overTimeLimit
        /// Killed for using more memory than it asked for.
        case overMemoryLimit
        /// Anything else: the job could not start or was aborted.
        case failed
    }

    public var code: Int
    /// The `JOB_EXEC_*` name without its prefix, nil for a code this flavor does not define.
    public var name: String?
    public var outcome: Outcome

    /// Looks `code` up in `flavor`'s table; a code it does not define is a failure.
    public init(code: Int, flavor: PBSFlavor) {
        self.code = code
        let entry = (Self.common[code] ?? (flavor == .openPBS ? Self.openPBS[code] : Self.torque[code]))
        name = entry?.name
        outcome = entry?.outcome ?? .failed
    }

    public var description: String {
        "\(code) (\(name.map { "JOB_EXEC_\($0)" } ?? "an unknown PBS code"))"
    }

    private typealias Table = [Int: (name: String, outcome: Outcome)]

    /// -1 to -7 mean the same to both flavors.
    private static let common: Table = [
        -1: ("FAIL1", .failed), -2: ("FAIL2", .failed), -3: ("RETRY", .requeued), -4: ("INITABT", .requeued),
        -5: ("INITRST", .requeued), -6: ("INITRMG", .requeued), -7: ("BADRESRT", .requeued),
    ]

    private static let openPBS: Table = [
        -10: ("FAILUID", .failed), -11: ("RERUN", .requeued), -12: ("CHKP", .failed), -13: ("FAIL_PASSWORD", .failed),
        -14: ("RERUN_SIS_FAIL", .requeued), -15: ("QUERST", .requeued), -16: ("FAILHOOK_RERUN", .requeued),
        -17: ("FAILHOOK_DELETE", .failed), -18: ("HOOK_RERUN", .requeued), -19: ("HOOK_DELETE", .failed),
        -20: ("RERUN_MS_FAIL", .requeued), -21: ("FAIL_SECURITY", .failed), -22: ("HOOKERROR", .failed),
        -23: ("FAIL_KRB5", .failed), -24: ("KILL_NCPUS_BURST", .failed), -25: ("KILL_NCPUS_SUM", .failed),
        -26: ("KILL_VMEM", .overMemoryLimit), -27: ("KILL_MEM", .overMemoryLimit), -28: ("KILL_CPUT", .overTimeLimit),
        -29: ("KILL_WALLTIME", .overTimeLimit), -30: ("JOINJOB", .failed),
    ]

    private static let torque: Table = [
        -8: ("CMDFAIL", .failed), -9: ("STDOUTFAIL", .failed), -10: ("OVERLIMIT_MEM", .overMemoryLimit),
        -11: ("OVERLIMIT_WT", .overTimeLimit), -12: ("OVERLIMIT_CPUT", .overTimeLimit), -13: ("RETRY_CGROUP", .requeued),
        -14: ("RETRY_PROLOGUE", .requeued),
    ]
}
