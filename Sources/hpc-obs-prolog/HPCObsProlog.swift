#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SchedulerHooks

/// Slurm's `Prolog=` / `PrologSlurmctld=`: records the job's start and always exits 0.
@main
enum HPCObsProlog {
    static func main() async {
        exit(await SlurmHookRunner.run(role: .prolog, environment: ProcessInfo.processInfo.environment))
    }
}
