#if canImport(Glibc)
import Glibc
#endif
import SchedulerHooks

/// Slurm's `Epilog=` / `EpilogSlurmctld=`: records the job's end and always exits 0.
/// Delivers over plain http itself; hands https and the store over to `hpc-obs-hook`.
@main
enum HPCObsEpilog {
    static func main() async {
        exit(await SlurmHookRunner.run(role: .epilog, environment: HookEnvironment.current(), opener: PlainHTTPOpener()))
    }
}
