import SchedulerHooks

#if canImport(Glibc)
import Glibc
#endif

/// Slurm's `Epilog=` / `EpilogSlurmctld=` and PBS's `epilogue`: records the job's end (with
/// PBS, what it used) and always exits 0.
/// Delivers over plain http itself; hands https and the store over to `hpc-obs-hook`.
@main
enum HPCObsEpilog {
    static func main() async {
        exit(
            await HookRunner.run(
                role: .epilog,
                arguments: Array(CommandLine.arguments.dropFirst()),
                environment: HookEnvironment.current(),
                opener: PlainHTTPOpener()
            )
        )
    }
}
