import HookDelivery
import SchedulerHooks

#if canImport(Glibc)
import Glibc
#endif

/// `hpc-obs-hook prolog|epilog [PBS arguments…]`: the hook with every way out (https through
/// libcurl, the store itself). `hpc-obs-prolog` and `hpc-obs-epilog` hand over to it when
/// plain http will not do; sites may also name it in slurm.conf or a PBS wrapper. Always
/// exits 0.
@main
enum HPCObsHook {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let role = HookRole(rawValue: arguments[1]) else {
            HookLog(identity: "hpc-obs-hook").warning("usage: hpc-obs-hook prolog|epilog [PBS arguments…] (nothing recorded)")
            exit(0)
        }
        let schedulerArguments = Array(arguments.dropFirst(2))
        exit(await HookRunner.run(role: role, arguments: schedulerArguments, environment: HookEnvironment.current(), opener: FullHookOpener()))
    }
}
