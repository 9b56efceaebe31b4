import CompressNIO
import Foundation
import Hummingbird
import MetricsExposition
import ObservabilityCore
import Synchronization

/// `GET /metrics`: the reference service's job families, rendered at scrape time from the
/// store, then the service's own and the process's metrics.
///
/// The format follows `Accept` (Prometheus text 0.0.4 or OpenMetrics 1.0.0) and the body is
/// gzipped when `Accept-Encoding` allows it. A scrape reads the running jobs' newest samples
/// and two counts; it never reads sample history and never calls the scheduler.
final class MetricsController: Sendable {
    let store: any JobStore
    let renderer: JobMetricsRenderer
    let serviceMetrics: ServiceMetrics
    /// Per-job series the cap has left out, over the server's life.
    private let droppedSeries = Atomic<Int>(0)

    init(store: any JobStore, configuration: JobMetricsConfiguration, serviceMetrics: ServiceMetrics) {
        self.store = store
        renderer = JobMetricsRenderer(configuration: configuration)
        self.serviceMetrics = serviceMetrics
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("metrics") { request, _ in
            try await self.scrape(request)
        }
    }

    func scrape(_ request: Request) async throws -> Response {
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        let input = JobMetricsRenderer.Input(
            running: try await store.runningJobSnapshots(),
            countsByState: try await store.jobCountsByState(),
            jobsCreated: try await store.jobsCreatedTotal(),
            now: Date()
        )
        var writer = MetricsWriter(format: format, reservingCapacity: 4_096 + input.running.count * 4 * 160)
        let dropped = renderer.render(input, into: &writer)
        let droppedTotal = droppedSeries.add(dropped, ordering: .relaxed).newValue
        writer.family(
            "hpc_obs_job_series_dropped_total",
            type: .counter,
            help: "Per-job series left out of scrapes because of METRICS_MAX_JOB_SERIES."
        )
        writer.sample("hpc_obs_job_series_dropped_total", Int64(droppedTotal))
        serviceMetrics.registry.render(into: &writer)
        ProcessMetrics.current()?.render(into: &writer)
        writer.finish()

        var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept, Accept-Encoding"]
        var body = ByteBuffer(bytes: writer.bytes)
        if Self.acceptsGzip(request.headers[.acceptEncoding]) {
            body = try body.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// True when `Accept-Encoding` lists gzip (or `*`) with a non-zero quality.
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        return acceptEncoding.split(separator: ",").contains { coding in
            let parts = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, name == "gzip" || name == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }
}
