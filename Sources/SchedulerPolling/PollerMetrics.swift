import CoreMetrics
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The poller's health in `/metrics`. Its lag is `time() - hpc_obs_slurm_poll_last_success_timestamp_seconds`.
struct PollerMetrics: Sendable {
    let up: Gauge
    let lastSuccess: Gauge
    let failures: Counter
    let rpcDuration: Timer
    let jobs: Gauge
    let events: Counter
    let leader: Gauge

    /// The families, named and described here only; the server's registry takes the help.
    enum Family: String, CaseIterable {
        case up = "hpc_obs_slurm_up"
        case lastSuccess = "hpc_obs_slurm_poll_last_success_timestamp_seconds"
        case failures = "hpc_obs_slurm_poll_failures_total"
        case rpcDuration = "hpc_obs_slurm_load_jobs_duration_seconds"
        case jobs = "hpc_obs_slurm_jobs"
        case events = "hpc_obs_slurm_poll_events_total"
        case leader = "hpc_obs_slurm_poller_leader"

        var help: String {
            switch self {
            case .up: "1 when the last read of slurmctld's jobs succeeded, 0 when it failed."
            case .lastSuccess: "When the poller last read slurmctld's jobs; time() minus this is the poller's lag."
            case .failures: "Poll cycles that could not read slurmctld's jobs."
            case .rpcDuration: "Time slurm_load_jobs took, including SLURM_NO_CHANGE_IN_DATA answers."
            case .jobs: "Jobs slurmctld held at the last poll that returned them."
            case .events: "Lifecycle events the poller applied to the store."
            case .leader: "1 when this replica polls slurmctld, 0 while another replica on the same database does."
            }
        }
    }

    init(factory: any MetricsFactory) {
        up = Gauge(label: Family.up.rawValue, factory: factory)
        lastSuccess = Gauge(label: Family.lastSuccess.rawValue, factory: factory)
        failures = Counter(label: Family.failures.rawValue, factory: factory)
        rpcDuration = Timer(label: Family.rpcDuration.rawValue, factory: factory)
        jobs = Gauge(label: Family.jobs.rawValue, factory: factory)
        events = Counter(label: Family.events.rawValue, factory: factory)
        leader = Gauge(label: Family.leader.rawValue, factory: factory)
        // Present from the start, so that alerts on a poller that never succeeded can fire:
        // down, and its last success at the epoch.
        up.record(0)
        lastSuccess.record(0)
        leader.record(0)
    }

    func leading(_ isLeader: Bool) {
        leader.record(isLeader ? 1 : 0)
    }

    func rpc(_ duration: Duration) {
        rpcDuration.recordNanoseconds(duration.nanoseconds)
    }

    func succeeded(jobs count: Int?) {
        up.record(1)
        lastSuccess.record(Date().timeIntervalSince1970)
        if let count { jobs.record(count) }
    }

    func failed() {
        up.record(0)
        failures.increment()
    }

    func applied(_ count: Int) {
        events.increment(by: count)
    }
}
