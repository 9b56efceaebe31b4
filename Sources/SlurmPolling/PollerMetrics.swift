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

    init(factory: any MetricsFactory) {
        up = Gauge(label: "hpc_obs_slurm_up", factory: factory)
        lastSuccess = Gauge(label: "hpc_obs_slurm_poll_last_success_timestamp_seconds", factory: factory)
        failures = Counter(label: "hpc_obs_slurm_poll_failures_total", factory: factory)
        rpcDuration = Timer(label: "hpc_obs_slurm_load_jobs_duration_seconds", factory: factory)
        jobs = Gauge(label: "hpc_obs_slurm_jobs", factory: factory)
        events = Counter(label: "hpc_obs_slurm_poll_events_total", factory: factory)
        // Present from the start, so that alerts on a poller that never succeeded can fire:
        // down, and its last success at the epoch.
        up.record(0)
        lastSuccess.record(0)
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
