import CoreMetrics
public import MetricsExposition
import NodeAgent
import PBSPolling
import SlurmPolling

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
        // Families the background services record through the same registry; each names and
        // describes its own.
        for family in SlurmPoller.metricFamilies + PBSPoller.metricFamilies + CollectorService.metricFamilies + SpoolReplayService.metricFamilies {
            registry.describe(family.name, help: family.help)
        }
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
