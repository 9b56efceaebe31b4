#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SchedulerHooks

/// Slurm's `Epilog=` / `EpilogSlurmctld=`: records the job's end and always exits 0.
@main
enum HPCObsEpilog {
    static func main() async {
        exit(await SlurmHookRunner.run(role: .epilog, environment: ProcessInfo.processInfo.environment))
    }
}
