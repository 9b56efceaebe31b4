import CoreMetrics
public import MetricsExposition

/// The service's own metrics: requests, ingestion, and the store, through swift-metrics into
/// a ``MetricsRegistry`` that `/metrics` renders.
///
/// Labels are bounded: routes are templates (`/v1/jobs/{jobId}`), never concrete paths.
public final class ServiceMetrics: Sendable {
    public let registry: MetricsRegistry
    let samplesIngested: Counter
    let connectionsTimedOut: Counter

    static let requestDuration = "hpc_obs_http_request_duration_seconds"
    static let samples = "hpc_obs_samples_ingested_total"
    static let events = "hpc_obs_events_total"
    static let storeDuration = "hpc_obs_store_operation_duration_seconds"
    static let storeErrors = "hpc_obs_store_errors_total"

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        registry.describe(Self.requestDuration, help: "Time to answer an HTTP request, by route template, method and status.")
        registry.describe(Self.samples, help: "Metric samples stored through the API.")
        registry.describe(Self.events, help: "Lifecycle events received through the API, by what they did (created, updated, unchanged, duplicate).")
        registry.describe(Self.storeDuration, help: "Time a store operation took, by operation.")
        registry.describe(Self.storeErrors, help: "Store operations that failed, by operation and error code.")
        registry.describe(
            "hpc_obs_http_connections_timed_out_total",
            help: "Connections closed for sending no complete request head within HTTP_IDLE_TIMEOUT, or no body within HTTP_BODY_TIMEOUT."
        )
        // Families other modules record through the same registry (the poller, spool replay).
        registry.describe("hpc_obs_slurm_up", help: "1 when the last read of slurmctld's jobs succeeded, 0 when it failed.")
        registry.describe(
            "hpc_obs_slurm_poll_last_success_timestamp_seconds",
            help: "When the poller last read slurmctld's jobs; time() minus this is the poller's lag."
        )
        registry.describe("hpc_obs_slurm_poll_failures_total", help: "Poll cycles that could not read slurmctld's jobs.")
        registry.describe("hpc_obs_slurm_load_jobs_duration_seconds", help: "Time slurm_load_jobs took, including SLURM_NO_CHANGE_IN_DATA answers.")
        registry.describe("hpc_obs_slurm_jobs", help: "Jobs slurmctld held at the last poll that returned them.")
        registry.describe("hpc_obs_slurm_poll_events_total", help: "Lifecycle events the poller applied to the store.")
        registry.describe("hpc_obs_spool_depth", help: "Events waiting in this host's hook spool.")
        registry.describe(
            "hpc_obs_spool_unsafe_entries",
            help: "Spool entries passed over as unsafe: links, FIFOs, hard links, files of users the service does not trust."
        )
        registry.describe("hpc_obs_spool_unreadable_entries", help: "Spooled events this server may not read (the group read bit is missing).")
        registry.describe("hpc_obs_spool_replayed_total", help: "Spooled events this server delivered to the store.")
        registry.describe("hpc_obs_spool_rejected_total", help: "Spooled events the store refused for good, moved to the spool's rejected/ folder.")
        registry.describe("hpc_obs_collector_samples_total", help: "Samples this server's collector stored for jobs on its node.")
        registry.describe(
            "hpc_obs_collector_unmapped_jobs",
            help:
                "Jobs read on this node in the last cycle that Slurm could not place (no job id or allocation from slurmctld): their use is left out."
        )
        registry.describe(
            "hpc_obs_samples_dropped_total",
            help: "Samples the collector took but could not store (the store failed, or the job is not recorded as running)."
        )
        registry.describe("hpc_obs_collector_cycle_duration_seconds", help: "Time one collection cycle took.")
        samplesIngested = Counter(label: Self.samples, factory: registry)
        connectionsTimedOut = Counter(label: "hpc_obs_http_connections_timed_out_total", factory: registry)
        for outcome in ["created", "updated", "unchanged", "duplicate"] {
            _ = Counter(label: Self.events, dimensions: [("outcome", outcome)], factory: registry)
        }
    }

    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        Timer(
            label: Self.requestDuration,
            dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: registry
        ).recordNanoseconds(nanoseconds)
    }

    func recordEvent(outcome: String) {
        Counter(label: Self.events, dimensions: [("outcome", outcome)], factory: registry).increment()
    }

    func recordStoreOperation(_ operation: String, nanoseconds: Int64, errorCode: String?) {
        Timer(label: Self.storeDuration, dimensions: [("operation", operation)], factory: registry).recordNanoseconds(nanoseconds)
        if let errorCode {
            Counter(label: Self.storeErrors, dimensions: [("operation", operation), ("code", errorCode)], factory: registry).increment()
        }
    }
}
