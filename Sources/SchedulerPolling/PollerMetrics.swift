public import CoreMetrics
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A poller's health in `/metrics`, one set of families per scheduler, named alike
/// (`hpc_obs_slurm_up`, `hpc_obs_pbs_up`, …). Its lag is
/// `time() - hpc_obs_<scheduler>_poll_last_success_timestamp_seconds`.
public struct PollerMetrics: Sendable {
    /// Which poller, and how its families name what it reads.
    public enum Scheduler: Sendable, CaseIterable {
        case slurm
        case pbs

        var prefix: String {
            switch self {
            case .slurm: "hpc_obs_slurm"
            case .pbs: "hpc_obs_pbs"
            }
        }

        /// What the poller asks, in help texts.
        var source: String {
            switch self {
            case .slurm: "slurmctld"
            case .pbs: "qstat"
            }
        }

        var readDurationName: String {
            switch self {
            case .slurm: "hpc_obs_slurm_load_jobs_duration_seconds"
            case .pbs: "hpc_obs_pbs_qstat_duration_seconds"
            }
        }

        var readDurationHelp: String {
            switch self {
            case .slurm: "Time slurm_load_jobs took, including SLURM_NO_CHANGE_IN_DATA answers."
            case .pbs: "Time one qstat -f -t -x -F json took."
            }
        }
    }

    let up: Gauge
    let lastSuccess: Gauge
    let failures: Counter
    let readDuration: Timer
    let jobs: Gauge
    let events: Counter
    let leader: Gauge

    /// The families, named and described here only; the server's registry takes the help.
    public static func families(_ scheduler: Scheduler) -> [(name: String, help: String)] {
        let source = scheduler.source
        return [
            ("\(scheduler.prefix)_up", "1 when the last read of \(source)'s jobs succeeded, 0 when it failed."),
            (
                "\(scheduler.prefix)_poll_last_success_timestamp_seconds",
                "When the poller last read \(source)'s jobs; time() minus this is the poller's lag."
            ),
            ("\(scheduler.prefix)_poll_failures_total", "Poll cycles that could not read \(source)'s jobs."),
            (scheduler.readDurationName, scheduler.readDurationHelp),
            ("\(scheduler.prefix)_jobs", "Jobs \(source) listed at the last poll that returned them (finished jobs it keeps included)."),
            ("\(scheduler.prefix)_poll_events_total", "Lifecycle events the poller applied to the store."),
            ("\(scheduler.prefix)_poller_leader", "1 when this replica polls \(source), 0 while another replica on the same database does."),
        ]
    }

    public init(_ scheduler: Scheduler, factory: any MetricsFactory) {
        let names = Self.families(scheduler).map(\.name)
        up = Gauge(label: names[0], factory: factory)
        lastSuccess = Gauge(label: names[1], factory: factory)
        failures = Counter(label: names[2], factory: factory)
        readDuration = Timer(label: names[3], factory: factory)
        jobs = Gauge(label: names[4], factory: factory)
        events = Counter(label: names[5], factory: factory)
        leader = Gauge(label: names[6], factory: factory)
        // Present from the start, so that alerts on a poller that never succeeded can fire:
        // down, and its last success at the epoch.
        up.record(0)
        lastSuccess.record(0)
        leader.record(0)
    }

    public func leading(_ isLeader: Bool) {
        leader.record(isLeader ? 1 : 0)
    }

    public func read(took duration: Duration) {
        readDuration.recordNanoseconds(duration.nanoseconds)
    }

    /// A cycle read the jobs; `jobs` is nil when the answer was "unchanged".
    public func succeeded(jobs count: Int?) {
        up.record(1)
        lastSuccess.record(Date().timeIntervalSince1970)
        if let count { jobs.record(count) }
    }

    public func failed() {
        up.record(0)
        failures.increment()
    }

    public func applied(_ count: Int) {
        events.increment(by: count)
    }
}
