import CHookWatchdog
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ObservabilityCore
import StorageBackends

/// What `hpc-obs-prolog` and `hpc-obs-epilog` do: read the settings, turn Slurm's environment
/// into an event, deliver it, spool it on any failure, replay older spooled events, and exit 0
/// on every path within the deadline.
///
/// The deadline is enforced twice: every wait is given the time left, and a watchdog signal
/// (see `hook_watchdog.h`) spools the event and exits if anything still hangs.
public enum SlurmHookRunner {
    /// Runs the hook and returns its exit status: always 0, because Slurm drains a node whose
    /// Prolog or Epilog fails and requeues a job whose PrologSlurmctld does.
    public static func run(role: SlurmHookContext.Role, environment: [String: String]) async -> Int32 {
        let start = ContinuousClock.now
        let log = HookLog(identity: "hpc-obs-\(role.rawValue)")
        // Armed before anything can block, with the default, then again with the setting.
        hpc_watchdog_arm(HookSettings.defaultTimeoutSeconds)

        let configPath = environment["HPC_OBS_CONFIG"] ?? HookSettings.defaultConfigPath
        var problems: [String] = []
        var fileValues: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: configPath) {
            let parsed = SettingsFile.parse(String(decoding: data, as: UTF8.self))
            fileValues = parsed.values
            problems += parsed.problems.map { "\(configPath) \($0)" }
        } else if environment["HPC_OBS_CONFIG"] != nil {
            problems.append("cannot read HPC_OBS_CONFIG=\(configPath)")
        }
        let (settings, settingProblems) = HookSettings.resolve(file: fileValues, environment: environment)
        problems += settingProblems
        let deadline = start + .milliseconds(Int64(settings.timeoutSeconds * 1_000))
        hpc_watchdog_arm(max(0.001, SpoolReplayer.seconds(deadline - .now)))

        let context = SlurmHookContext.detect(role: role, environment: environment)
        let event: LifecycleEvent
        do throws(HookInputError) {
            event = try SlurmHookEvent.make(context: context, environment: environment, now: Date(), cluster: settings.cluster)
        } catch {
            log.warning((problems + ["no event for this job: \(error)"]).joined(separator: "; "))
            return 0
        }

        let spool = EventSpool(directory: settings.spoolDirectory)
        let body = EventWireFormat.encode(event)
        let nanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let fileName = EventSpool.fileName(nanoseconds: nanoseconds, process: getpid(), sequence: 0)
        _ = body.withUnsafeBufferPointer { buffer in
            hpc_watchdog_set_pending(settings.spoolDirectory, fileName, buffer.baseAddress, buffer.count)
        }

        let (delivery, store) = await openDelivery(settings.destination, problems: &problems)
        defer { hpc_watchdog_clear_pending() }
        do throws(DeliveryError) {
            guard let delivery else { throw .retryable("no destination configured") }
            try await delivery.deliver([body], timeoutSeconds: timeLeft(until: deadline, keeping: 0.2))
            hpc_watchdog_clear_pending()
            // Older events that waited for the service; leave time to exit cleanly.
            let report = await SpoolReplayer(spool: spool, delivery: delivery).replay(until: deadline - .milliseconds(200))
            problems += report.rejected.map { "spooled event rejected and moved to rejected/: \($0)" }
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
        if let store { await store.close() }
        if !problems.isEmpty { log.warning(problems.joined(separator: "; ")) }
        return 0
    }

    private static func openDelivery(
        _ destination: HookSettings.Destination,
        problems: inout [String]
    ) async -> (delivery: (any EventDelivery)?, store: (any JobStore)?) {
        switch destination {
        case .service(let url, let tokenFile):
            var token: String?
            if let tokenFile {
                token = HTTPEventDelivery.readToken(path: tokenFile)
                if token == nil { problems.append("cannot read a token from HPC_OBS_TOKEN_FILE=\(tokenFile)") }
            }
            return (HTTPEventDelivery(baseURL: url, token: token), nil)
        case .store(let configuration):
            var logger = Logger(label: "hpc-obs-hook")
            logger.logLevel = .critical
            do {
                let store = try await JobStoreFactory.open(configuration, postgresPoolSize: 1, logger: logger)
                return (StoreEventDelivery(store: store), store)
            } catch {
                problems.append("cannot open the store \(configuration.redactedDescription): \(error)")
                return (nil, nil)
            }
        case .spoolOnly:
            return (nil, nil)
        }
    }

    private static func timeLeft(until deadline: ContinuousClock.Instant, keeping reserve: Double) -> Double {
        max(0.01, SpoolReplayer.seconds(deadline - .now) - reserve)
    }
}
