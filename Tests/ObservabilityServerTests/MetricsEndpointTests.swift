import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import MetricsExposition
import ObservabilityCore
import TestSupport
import Testing

@testable import ObservabilityServer

@Suite("GET /metrics")
struct MetricsEndpointTests {
    @Test(arguments: TestBackend.available)
    func seriesFollowTheStoreAndVanishWhenAJobEnds(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(
                .post,
                "/v1/jobs",
                json: #"{"id": "42", "user": "alice", "state": "running", "partition": "gpu", "requestedCpus": 4}"#
            )
            try await client.send(
                .post,
                "/v1/jobs/42/metrics",
                json: #"{"cpuUsage": 75.5, "memoryUsageMb": 4096, "gpuUsage": 50.0, "node": "gpu01"}"#
            )
            let scrape = try await client.send(.get, "/metrics")
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: scrape.body)
            #expect(
                text.contains(#"hpc_job_cpu_usage_percent{job_id="42",user="alice",state="running",partition="gpu",cluster="",node="gpu01"} 75.5"#)
            )
            #expect(
                text.contains(
                    #"hpc_job_memory_usage_bytes{job_id="42",user="alice",state="running",partition="gpu",cluster="",node="gpu01"} 4294967296"#
                )
            )
            #expect(text.contains("hpc_job_total 1\n"))
            #expect(text.contains("process_resident_memory_bytes "))
            #expect(text.contains("hpc_obs_samples_ingested_total 1\n"))
            #expect(text.contains(#"hpc_obs_http_request_duration_seconds_count{method="POST",route="/v1/jobs",status="201"} 1"#))
            #expect(text.contains(#"hpc_obs_store_operation_duration_seconds_count{operation="appendSamples"} 1"#))

            try await client.send(.patch, "/v1/jobs/42", json: #"{"state": "completed"}"#)
            let after = String(buffer: try await client.send(.get, "/metrics").body)
            #expect(!after.contains(#"job_id="42""#))
            #expect(after.contains(#"hpc_job_state_total{state="completed"} 1"#))
            try await client.send(.delete, "/v1/jobs/42")
            #expect(String(buffer: try await client.send(.get, "/metrics").body).contains("hpc_job_total 1\n"))
        }
    }

    @Test func openMetricsAndGzipAreNegotiated() async throws {
        try await withAPI(.sqlite) { client, _ in
            let openMetrics = try await client.send(
                .get,
                "/metrics",
                headers: [.accept: "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4", .acceptEncoding: "gzip"]
            )
            #expect(openMetrics.headers[.contentType] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(openMetrics.headers[.contentEncoding] == "gzip")
            var compressed = openMetrics.body
            let text = String(buffer: try compressed.decompress(with: .gzip()))
            #expect(text.hasSuffix("# EOF\n"))
            #expect(text.contains("# TYPE hpc_job counter\n"))

            let plain = try await client.send(.get, "/metrics", headers: [.acceptEncoding: "gzip;q=0, identity"])
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(String(buffer: plain.body).contains("# TYPE hpc_job_total counter\n"))
            #expect(try await client.send(.post, "/metrics", json: "{}").status == .methodNotAllowed)
        }
    }

    @Test func largeScrapesStreamInChunksAndStillDecompressWhole() async throws {
        try await withAPI(.sqlite) { client, store in
            let now = Date()
            let jobs = 4_000
            _ = try await store.apply(
                (0..<jobs).map {
                    LifecycleEvent(
                        id: "s\($0)",
                        jobID: "\($0)",
                        kind: .started,
                        time: now,
                        user: "user-with-a-long-name-\($0)",
                        attributes: JobAttributes(partition: "batch")
                    )
                }
            )
            try await store.appendSamples(
                (0..<jobs).map { MetricSample(jobID: "\($0)", time: now, cpuUsage: 99.5, memoryBytes: 1 << 30, gpuUsage: 12.5) }
            )
            let response = try await client.send(.get, "/metrics", headers: [.acceptEncoding: "gzip"])
            #expect(response.headers[.contentEncoding] == "gzip")
            var compressed = response.body
            let text = String(buffer: try compressed.decompress(with: .gzip()))
            #expect(text.utf8.count > 4 * MetricsController.chunkBytes)
            let cpuLines = text.split(separator: "\n").filter { $0.hasPrefix("hpc_job_cpu_usage_percent{") }
            #expect(cpuLines.count == jobs)
            #expect(text.contains("# TYPE process_start_time_seconds gauge\n"))
        }
    }

    @Test func processMetricsParseProcStat() throws {
        let stat = "1234 (hpc obs (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 500 104857600 2560 18446744073709551615"
        let metrics = try #require(
            ProcessMetrics.parse(
                stat: stat,
                bootTime: 1_700_000_000,
                ticksPerSecond: 100,
                pageSize: 4_096,
                openFileDescriptors: 12,
                maxFileDescriptors: 1_024
            )
        )
        #expect(metrics.cpuSeconds == 3)
        #expect(metrics.residentBytes == 2_560 * 4_096)
        #expect(metrics.virtualBytes == 104_857_600)
        #expect(metrics.startTimeSeconds == 1_700_000_005)
        #expect(
            ProcessMetrics.parse(stat: "garbage", bootTime: 0, ticksPerSecond: 100, pageSize: 4_096, openFileDescriptors: 0, maxFileDescriptors: nil)
                == nil
        )
        // Sizes past Int64 (or written as floating point) used to reach a trapping conversion.
        let huge = "1 (x) S 1 1 1 0 -1 0 0 0 0 0 250 50 0 0 20 0 8 0 500 9223372036854775807 9223372036854775807 0"
        #expect(
            ProcessMetrics.parse(stat: huge, bootTime: 0, ticksPerSecond: 100, pageSize: 4_096, openFileDescriptors: 0, maxFileDescriptors: nil)?
                .residentBytes == .max
        )
        let floating = "1 (x) S 1 1 1 0 -1 0 0 0 0 0 250 50 0 0 20 0 8 0 500 1e300 1e300 0"
        #expect(
            ProcessMetrics.parse(stat: floating, bootTime: 0, ticksPerSecond: 100, pageSize: 4_096, openFileDescriptors: 0, maxFileDescriptors: nil)
                == nil
        )
    }

    @Test func metricsConfigurationIsValidated() throws {
        let configuration = try ServerConfiguration(environment: ["METRICS_JOB_LABELS": "state, partition", "METRICS_MAX_JOB_SERIES": "500"])
        #expect(configuration.jobMetrics.labels == [.jobID, .cluster, .state, .partition])
        // Kept where they are when named.
        let named = try ServerConfiguration(environment: ["METRICS_JOB_LABELS": "user,cluster,job_id"])
        #expect(named.jobMetrics.labels == [.user, .cluster, .jobID])
        #expect(configuration.jobMetrics.maxSeries == 500)
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: ["METRICS_JOB_LABELS": "job_id,colour"]) }
        #expect(error?.variable == "METRICS_JOB_LABELS")
    }
}
