/// How a job's batch script ended, as Slurm reports it: an exit code and the signal that
/// killed it, if any.
public struct SlurmExitStatus: Sendable, Hashable {
    public var code: Int
    public var signal: Int

    public init(code: Int, signal: Int) {
        self.code = code
        self.signal = signal
    }

    /// A raw wait status, as in `SLURM_JOB_EXIT_CODE` (768 for `exit 3`) and the poller's
    /// `exit_code` field.
    public init(waitStatus: Int) {
        let signal = waitStatus & 0x7F
        if signal == 0 {
            self.init(code: (waitStatus >> 8) & 0xFF, signal: 0)
        } else {
            self.init(code: 0, signal: signal)
        }
    }

    /// `code:signal`, as in `SLURM_JOB_EXIT_CODE2` and `sacct`'s ExitCode column (`3:0`, `0:15`).
    public init(pair text: String) throws(SchedulerFormatError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let code = Int(parts[0]), let signal = Int(parts[1]), code >= 0, signal >= 0 else {
            throw SchedulerFormatError(field: "SLURM_JOB_EXIT_CODE2", value: text, reason: "expected code:signal such as 3:0")
        }
        self.init(code: code, signal: signal)
    }

    /// The one number the service stores: the exit code, or 128 + the signal for a job a
    /// signal killed, as shells report it (143 for SIGTERM).
    public var exitCode: Int {
        signal != 0 ? 128 + signal : code
    }
}
