import CompressNIO
import Foundation
import Hummingbird
import MetricsExposition
import ObservabilityCore
import SlurmPolling
import Synchronization

/// `GET /metrics`: the reference service's job families, rendered at scrape time from the
/// store, then the service's own and the process's metrics.
///
/// The format follows `Accept` (Prometheus text 0.0.4 or OpenMetrics 1.0.0) and the body is
/// gzipped when `Accept-Encoding` allows it. A scrape reads the running jobs' newest samples
/// and two counts; it never reads sample history and never calls the scheduler.
///
/// The job families describe the shared store, so among replicas on one database only the
/// one that leads the poller writes them: Prometheus scraping every replica then counts each
/// job once. A standby writes its own and its process's families only.
final class MetricsController: Sendable {
    let store: any JobStore
    let renderer: JobMetricsRenderer
    let serviceMetrics: ServiceMetrics
    let pollerRole: PollerRoleBoard?
    /// Per-job series the cap has left out, over the server's life.
    private let droppedSeries = Atomic<Int>(0)

    init(store: any JobStore, configuration: JobMetricsConfiguration, serviceMetrics: ServiceMetrics, pollerRole: PollerRoleBoard? = nil) {
        self.store = store
        self.pollerRole = pollerRole
        renderer = JobMetricsRenderer(configuration: configuration)
        self.serviceMetrics = serviceMetrics
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("metrics") { request, _ in
            try await self.scrape(request)
        }
    }

    /// Bytes rendered before they are sent on: large scrapes go out in chunks of this size
    /// instead of being held whole (46 MB of text for 100,000 jobs).
    static let chunkBytes = 256 * 1_024

    func scrape(_ request: Request) async throws -> Response {
        if pollerRole?.role == .standby {
            return Self.serviceOnly(request, registry: serviceMetrics.registry)
        }
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        let gzip = Self.acceptsGzip(request.headers[.acceptEncoding])
        let countsByState = try await store.jobCountsByState()
        let start = renderer.startPreparing(now: Date(), expectedJobs: countsByState[.running] ?? 0)
        var prepared = try await store.reduceRunningJobs(into: start) { $0.add($1) }
        prepared.countsByState = countsByState
        prepared.jobsCreated = try await store.jobsCreatedTotal()
        let droppedTotal = droppedSeries.add(prepared.droppedSeries, ordering: .relaxed).newValue
        var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept, Accept-Encoding"]
        if gzip { headers[.contentEncoding] = "gzip" }
        let renderer = self.renderer
        let registry = serviceMetrics.registry
        let body = ResponseBody { [prepared] writer in
            let compressor = gzip ? CompressionAlgorithm.gzip().compressor : nil
            try compressor?.startStream()
            var metrics = MetricsWriter(format: format, reservingCapacity: Self.chunkBytes * 2)
            func send(final: Bool) async throws {
                var buffer = ByteBuffer(bytes: metrics.bytes)
                metrics.reset()
                if let compressor {
                    buffer = try buffer.compressStream(with: compressor, flush: final ? .finish : .sync)
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
            for family in JobMetricsRenderer.Family.allCases {
                var next: Int? = 0
                while let job = next {
                    next = renderer.write(family, of: prepared, into: &metrics, resumingAt: job, byteLimit: Self.chunkBytes)
                    if metrics.bytes.count >= Self.chunkBytes { try await send(final: false) }
                }
            }
            metrics.family(
                "hpc_obs_job_series_dropped_total",
                type: .counter,
                help: "Per-job series left out of scrapes because of METRICS_MAX_JOB_SERIES."
            )
            metrics.sample("hpc_obs_job_series_dropped_total", Int64(droppedTotal))
            registry.render(into: &metrics)
            ProcessMetrics.current()?.render(into: &metrics)
            metrics.finish()
            try await send(final: true)
            try compressor?.finishStream()
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A node agent's `/metrics`: its own and the process's families, no job families.
    static func serviceOnly(_ request: Request, registry: MetricsRegistry) -> Response {
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        var metrics = MetricsWriter(format: format)
        registry.render(into: &metrics)
        ProcessMetrics.current()?.render(into: &metrics)
        metrics.finish()
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.bytes))
        )
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
