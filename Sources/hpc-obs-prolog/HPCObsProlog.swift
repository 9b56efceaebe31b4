import SchedulerHooks

#if canImport(Glibc)
import Glibc
#endif

/// Slurm's `Prolog=` / `PrologSlurmctld=` and PBS's `prologue`: records the job's start and
/// always exits 0.
/// Delivers over plain http itself; hands https and the store over to `hpc-obs-hook`.
@main
enum HPCObsProlog {
    static func main() async {
        exit(
            await HookRunner.run(
                role: .prolog,
                arguments: Array(CommandLine.arguments.dropFirst()),
                environment: HookEnvironment.current(),
                opener: PlainHTTPOpener()
            )
        )
    }
}
