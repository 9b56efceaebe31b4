import EventTransport
public import ObservabilityCore
public import SchedulerFormats

/// Where a hook sends its events and what it may spend doing so.
///
/// slurmd starts hooks with nothing but `SLURM_*` variables, so settings come from a file
/// (`/etc/hpc-obs/hpc-obs.conf`, or `HPC_OBS_CONFIG`), and variables of the same names in the
/// environment override it. The same file serves as the server's systemd `EnvironmentFile`.
public struct HookSettings: Sendable, Hashable {
    public static let defaultTimeoutSeconds = 2.0

    /// Where to deliver events.
    public enum Destination: Sendable, Hashable {
        /// `POST {url}/v1/events`, with the bearer token read from `tokenFile` if set; an
        /// https server is verified against `caFile` (PEM) if set, else the system's store.
        case service(url: String, tokenFile: String?, caFile: String? = nil)
        /// Straight into the store, on the host that has it.
        case store(DatabaseConfiguration)
        /// Neither is configured (or configured wrongly): events wait in the spool until
        /// the settings are fixed and a later hook or the server replays them.
        case spoolOnly
    }

    public var destination: Destination
    public var spoolDirectory: String
    /// The hard deadline: the hook has exited 0 when it has passed, delivered or not.
    public var timeoutSeconds: Double
    /// Added to every event so several clusters can share one service (`CLUSTER_NAME`).
    public var cluster: String?
    /// Which PBS runs the hooks (`HPC_OBS_PBS_FLAVOR`), where its arguments alone cannot tell.
    public var pbsFlavor: PBSFlavor?

    public init(destination: Destination, spoolDirectory: String, timeoutSeconds: Double, cluster: String?, pbsFlavor: PBSFlavor? = nil) {
        self.destination = destination
        self.spoolDirectory = spoolDirectory
        self.timeoutSeconds = timeoutSeconds
        self.cluster = cluster
        self.pbsFlavor = pbsFlavor
    }

    /// Settings from the file's values overridden by the environment's. Never fails: a bad
    /// value falls back to its default and is reported in `problems`, because a hook must
    /// still spool its event.
    public static func resolve(file: [String: String], environment: [String: String]) -> (settings: HookSettings, problems: [String]) {
        var merged = file
        for (key, value) in environment where key.hasPrefix("HPC_OBS_") || key.hasPrefix("DATABASE_") || key == "CLUSTER_NAME" {
            merged[key] = value
        }
        func value(_ key: String) -> String? {
            merged[key].flatMap { $0.isEmpty ? nil : $0 }
        }
        var problems: [String] = []

        var timeout = defaultTimeoutSeconds
        if let text = value("HPC_OBS_HOOK_TIMEOUT") {
            if let seconds = Double(text), seconds >= 0.1, seconds <= 60 {
                timeout = seconds
            } else {
                problems.append("HPC_OBS_HOOK_TIMEOUT='\(text)' is not a number of seconds from 0.1 to 60; using \(defaultTimeoutSeconds)")
            }
        }

        let destination: Destination
        if let url = value("HPC_OBS_URL") {
            destination = .service(url: url, tokenFile: value("HPC_OBS_TOKEN_FILE"), caFile: value("HPC_OBS_CA_FILE"))
        } else if value("DATABASE_URL") == nil {
            // The server's default, a SQLite file in its working directory, means nothing in
            // slurmd's: a hook needs to be told where the store is.
            problems.append("neither HPC_OBS_URL nor DATABASE_URL is set; events go to the spool only")
            destination = .spoolOnly
        } else {
            do throws(ConfigurationError) {
                destination = .store(try DatabaseConfiguration(environment: merged))
            } catch {
                problems.append("\(error); events go to the spool only")
                destination = .spoolOnly
            }
        }
        var pbsFlavor: PBSFlavor?
        if let text = value("HPC_OBS_PBS_FLAVOR") {
            pbsFlavor = PBSFlavor.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
            if pbsFlavor == nil {
                problems.append(
                    "HPC_OBS_PBS_FLAVOR='\(text)' is not \(PBSFlavor.allCases.map(\.rawValue).joined(separator: " or ")); telling by the arguments"
                )
            }
        }
        let settings = HookSettings(
            destination: destination,
            spoolDirectory: value("HPC_OBS_SPOOL_DIR") ?? EventSpool.defaultDirectory,
            timeoutSeconds: timeout,
            cluster: value("CLUSTER_NAME"),
            pbsFlavor: pbsFlavor
        )
        return (settings, problems)
    }
}
