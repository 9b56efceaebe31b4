#if canImport(Glibc)
import Glibc
#endif
import HookDelivery
import SchedulerHooks

/// `hpc-obs-hook prolog|epilog`: the hook with every way out (https through libcurl, the store
/// itself). `hpc-obs-prolog` and `hpc-obs-epilog` hand over to it when plain http will not do;
/// sites may also name it in slurm.conf through a wrapper. Always exits 0.
@main
enum HPCObsHook {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 2, let role = SlurmHookContext.Role(rawValue: arguments[1]) else {
            HookLog(identity: "hpc-obs-hook").warning("usage: hpc-obs-hook prolog|epilog (nothing recorded)")
            exit(0)
        }
        exit(await SlurmHookRunner.run(role: role, environment: HookEnvironment.current(), opener: FullHookOpener()))
    }
}
