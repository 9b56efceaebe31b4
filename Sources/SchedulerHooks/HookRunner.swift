import CHookWatchdog
import EventTransport
import LocalFiles
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What the hook executables do: read the settings, turn the scheduler's environment (Slurm)
/// or arguments (PBS) into an event, deliver it, spool it on any failure, replay older
/// spooled events, and exit 0 on every path within the deadline.
///
/// The deadline is enforced twice: every wait is given the time left, and a watchdog signal
/// (see `hook_watchdog.h`) spools the event and exits if anything still hangs.
public enum HookRunner {
    /// The executable that can reach every destination, next to the small ones.
    public static let fullHookName = "hpc-obs-hook"

    /// Runs the hook and returns its exit status: always 0, because Slurm drains a node whose
    /// Prolog or Epilog fails and requeues a job whose PrologSlurmctld does, and PBS aborts
    /// or requeues a job whose prologue fails.
    ///
    /// - Parameter arguments: the program's arguments without its name: none from Slurm,
    ///   the job's description from PBS.
    ///
    /// On the main thread: the watchdog's stack of its own (for a stack overflow) is that
    /// thread's, and reading the scheduler's input, where a crash could come from, happens here.
    @MainActor
    public static func run(role: HookRole, arguments: [String], environment: [String: String], opener: any HookDeliveryOpener) async -> Int32 {
        let start = ContinuousClock.now
        // PBS (the one scheduler that passes arguments) gives a prologue the job's own stderr.
        let log = HookLog(identity: "hpc-obs-\(role.rawValue)", toStandardError: arguments.isEmpty)
        // Armed before anything can block, with the default, then again with the setting.
        hpc_watchdog_arm(HookSettings.defaultTimeoutSeconds)

        let configPath = environment[SettingsFile.pathVariable] ?? SettingsFile.defaultPath
        var problems: [String] = []
        var fileValues: [String: String] = [:]
        if let bytes = FileBytes.read(configPath) {
            let parsed = SettingsFileParser.parse(String(decoding: bytes, as: UTF8.self))
            fileValues = parsed.values
            problems += parsed.problems.map { "\(configPath) \($0)" }
        } else if environment[SettingsFile.pathVariable] != nil {
            problems.append("cannot read HPC_OBS_CONFIG=\(configPath)")
        }
        let (settings, settingProblems) = HookSettings.resolve(file: fileValues, environment: environment)
        problems += settingProblems
        let deadline = start + .milliseconds(Int64(saturating: settings.timeoutSeconds * 1_000))
        hpc_watchdog_arm(max(0.001, (deadline - .now).seconds))

        let event: LifecycleEvent
        switch Result(catching: { () throws(HookInputError) in
            try makeEvent(role: role, arguments: arguments, environment: environment, settings: settings)
        }) {
        case .success(let made):
            event = made.event
            problems += made.problems
        case .failure(let error):
            log.warning((problems + ["no event for this job: \(error)"]).joined(separator: "; "))
            return 0
        }

        let spool = EventSpool(directory: settings.spoolDirectory)
        let body = EventWireFormat.encode(event)
        // Saturates past 2262, where nanoseconds since 1970 no longer fit: a wrong clock
        // must cost the file name's order, not the job.
        let nanoseconds = Int64(saturating: Date().timeIntervalSince1970 * 1e9)
        let fileName = EventSpool.fileName(nanoseconds: nanoseconds, process: getpid(), sequence: 0)
        _ = body.withUnsafeBufferPointer { buffer in
            hpc_watchdog_set_pending(settings.spoolDirectory, fileName, buffer.baseAddress, buffer.count)
        }
        #if DEBUG
        TestCrash.trigger(environment["HPC_OBS_TEST_CRASH"])
        #endif

        var token: String?
        if case .service(_, let tokenFile?, _) = settings.destination {
            token = FileBytes.token(at: tokenFile)
            if token == nil { problems.append("cannot read a token from HPC_OBS_TOKEN_FILE=\(tokenFile)") }
        }
        let opening = await opener.open(settings.destination, token: token)
        if case .handOff = opening {
            // Only returns when the exec failed; the event is then spooled below.
            problems.append(handOff(role: role, arguments: arguments, environment: environment, secondsLeft: (deadline - .now).seconds))
        }
        do throws(DeliveryError) {
            guard case .ready(let delivery, _) = opening else {
                if case .unavailable(let reason) = opening { throw .retryable(reason) }
                throw .retryable("\(fullHookName) could not be started")
            }
            try await delivery.deliver([body], timeoutSeconds: timeLeft(until: deadline, keeping: 0.2))
            hpc_watchdog_clear_pending()
            // Older events that waited for the service; leave time to exit cleanly.
            let report = await SpoolReplayer(spool: spool, delivery: delivery).replay(until: deadline - .milliseconds(200))
            problems += report.rejected.map { "spooled event rejected and moved to rejected/: \($0)" }
            if report.unsafe > 0 {
                problems.append(
                    "\(report.unsafe) entries in \(settings.spoolDirectory) are not regular files of root or this user (links, FIFOs, files of other users) and were left alone"
                )
            }
            if report.unreadable > 0 {
                problems.append("\(report.unreadable) spooled events in \(settings.spoolDirectory) cannot be read by this user")
            }
        } catch .rejected(let reason) {
            problems.append("event \(event.id) refused, not spooled: \(reason)")
        } catch {
            do throws(SpoolError) {
                try spool.store(body, as: fileName)
                problems.append("event \(event.id) spooled: \(error)")
            } catch let spoolError {
                problems.append("event \(event.id) lost: \(error); \(spoolError)")
            }
        }
        hpc_watchdog_clear_pending()
        if case .ready(_, let close?) = opening { await close() }
        if !problems.isEmpty { log.warning(problems.joined(separator: "; ")) }
        return 0
    }

    /// The event, from PBS's arguments when there are any and from Slurm's environment
    /// otherwise, without the values the store would refuse, and what could not be used.
    static func makeEvent(
        role: HookRole,
        arguments: [String],
        environment: [String: String],
        settings: HookSettings
    ) throws(HookInputError) -> (event: LifecycleEvent, problems: [String]) {
        let event: LifecycleEvent
        var problems: [String] = []
        if arguments.isEmpty {
            let context = SlurmHookContext.detect(role: role, environment: environment)
            event = try SlurmHookEvent.make(context: context, environment: environment, now: Date(), cluster: settings.cluster)
        } else {
            let invocation = try PBSHookArguments(role: role, arguments: arguments, environment: environment, flavor: settings.pbsFlavor)
            let made = PBSHookEvent.make(
                invocation,
                environment: environment,
                now: Date(),
                hostName: HostName.short() ?? "",
                cluster: settings.cluster,
                nodeFile: { path in FileBytes.read(path).map { String(decoding: $0, as: UTF8.self) } }
            )
            event = made.event
            problems = made.problems
        }
        let (kept, dropped) = event.keepingValidFields()
        return (kept, problems + dropped.map { "\($0); left out" })
    }

    /// Replaces this process with `hpc-obs-hook ROLE [ARGUMENTS…]`, giving it what is left of
    /// the deadline. Returns why that failed; on success it does not return.
    private static func handOff(role: HookRole, arguments: [String], environment: [String: String], secondsLeft: Double) -> String {
        var executable = "/proc/self/exe"
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(executable, &resolved, resolved.count - 1)
        if length > 0 {
            let path = String(decoding: resolved[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            executable = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/" + fullHookName
        }
        var variables = environment
        variables["HPC_OBS_HOOK_TIMEOUT"] = String(max(0.1, secondsLeft))
        func copy(_ text: String) -> UnsafeMutablePointer<CChar>? { strdup(text) }
        let argumentList = [copy(executable), copy(role.rawValue)] + arguments.map(copy) + [nil]
        let pairs = variables.map { copy("\($0.key)=\($0.value)") } + [nil]
        hpc_watchdog_disarm()
        hpc_exec(executable, argumentList, pairs)
        let reason = SystemError.describe(errno)
        hpc_watchdog_arm(max(0.001, secondsLeft))
        return "cannot run \(executable) for https or the store: \(reason)"
    }

    private static func timeLeft(until deadline: ContinuousClock.Instant, keeping reserve: Double) -> Double {
        max(0.01, (deadline - .now).seconds - reserve)
    }
}
