import Foundation
import MetricsExposition
import ObservabilityCore
import Testing

@Suite("Job families")
struct JobMetricsRendererTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func snapshot(_ id: String, user: String = "alice", gpu: Double? = nil, node: String? = "n1", sampled: Bool = true) -> RunningJob {
        let sample = sampled ? MetricSample(jobID: id, time: now, cpuUsage: 150, memoryBytes: 4096 << 20, gpuUsage: gpu, node: node) : nil
        return RunningJob(id: id, user: user, partition: "gpu", cluster: "hpc1", startTime: now.addingTimeInterval(-300), latestSample: sample)
    }

    func render(
        _ running: [RunningJob],
        configuration: JobMetricsConfiguration = JobMetricsConfiguration(),
        format: ExpositionFormat = .prometheusText
    ) -> (String, Int) {
        var writer = MetricsWriter(format: format)
        let dropped = JobMetricsRenderer(configuration: configuration).render(
            .init(running: running, countsByState: [.running: running.count, .completed: 7], jobsCreated: 12, now: now),
            into: &writer
        )
        writer.finish()
        return (String(decoding: writer.bytes, as: UTF8.self), dropped)
    }

    @Test func rendersTheReferenceFamiliesWithJobLabels() {
        let (text, dropped) = render([snapshot("42", gpu: 80)])
        #expect(dropped == 0)
        let labels = #"{job_id="42",user="alice",state="running",partition="gpu",cluster="hpc1",node="n1"}"#
        #expect(text.contains("hpc_job_runtime_seconds\(labels) 300\n"))
        #expect(text.contains("hpc_job_cpu_usage_percent\(labels) 150\n"))
        #expect(text.contains("hpc_job_memory_usage_bytes\(labels) 4294967296\n"))
        #expect(text.contains("hpc_job_gpu_usage_percent\(labels) 80\n"))
        #expect(text.contains("# TYPE hpc_job_state_total gauge\n"))
        #expect(text.contains(#"hpc_job_state_total{state="completed"} 7"#))
        #expect(text.contains(#"hpc_job_state_total{state="out_of_memory"} 0"#))
        #expect(text.contains("# TYPE hpc_job_total counter\nhpc_job_total 12\n"))
        for family in [
            "hpc_job_runtime_seconds", "hpc_job_cpu_usage_percent", "hpc_job_memory_usage_bytes", "hpc_job_gpu_usage_percent", "hpc_job_state_total",
            "hpc_job_total",
        ] {
            #expect(text.contains("# HELP \(family) "), "\(family) has HELP")
        }
    }

    @Test func aJobWithoutSamplesHasOnlyARuntimeAndNoGPUNoGPUSeries() {
        let (text, _) = render([snapshot("1", sampled: false), snapshot("2", gpu: nil, node: nil)])
        #expect(text.contains(#"hpc_job_runtime_seconds{job_id="1""#))
        #expect(!text.contains(#"hpc_job_cpu_usage_percent{job_id="1""#))
        #expect(text.contains(#"hpc_job_cpu_usage_percent{job_id="2",user="alice",state="running",partition="gpu",cluster="hpc1"} 150"#))
        #expect(!text.contains("hpc_job_gpu_usage_percent{"))
    }

    @Test func labelsCanBeDroppedButJobIDAndClusterStay() {
        let (text, _) = render([snapshot("7")], configuration: JobMetricsConfiguration(labels: [.state, .partition]))
        #expect(text.contains(#"hpc_job_runtime_seconds{job_id="7",cluster="hpc1",state="running",partition="gpu"} 300"#))
        #expect(!text.contains("user="))
    }

    /// Two clusters' job 123, with labels that leave out `cluster`: still two series, not
    /// one series twice, which Prometheus refuses as duplicate samples.
    @Test func twoClustersJobsWithOneIDAreTwoSeries() {
        let running = ["alpha", "beta"].map { cluster in
            RunningJob(id: "123", user: "alice", partition: "gpu", cluster: cluster, startTime: now.addingTimeInterval(-300), latestSample: nil)
        }
        let (text, _) = render(running, configuration: JobMetricsConfiguration(labels: [.user]))
        #expect(text.contains(#"hpc_job_runtime_seconds{job_id="123",cluster="alpha",user="alice"} 300"#))
        #expect(text.contains(#"hpc_job_runtime_seconds{job_id="123",cluster="beta",user="alice"} 300"#))
    }

    @Test func eachJobKeepsItsOwnLabelsAcrossFamilies() {
        let running = [snapshot("1", user: "a"), snapshot("123456789012345678", user: "ünïcode-user-name"), snapshot("3", user: "b\"q")]
        let (text, _) = render(running, configuration: JobMetricsConfiguration(labels: [.user]))
        for family in ["hpc_job_runtime_seconds", "hpc_job_cpu_usage_percent", "hpc_job_memory_usage_bytes"] {
            #expect(text.contains(#"\#(family){job_id="1",cluster="hpc1",user="a"} "#))
            #expect(text.contains(#"\#(family){job_id="123456789012345678",cluster="hpc1",user="ünïcode-user-name"} "#))
            #expect(text.contains(#"\#(family){job_id="3",cluster="hpc1",user="b\"q"} "#))
        }
    }

    @Test func theCapCutsWholeJobsAndCountsTheirSeries() {
        let running = (0..<10).map { snapshot("j\($0)", gpu: 50) }
        let (text, dropped) = render(running, configuration: JobMetricsConfiguration(maxSeries: 9))
        #expect(dropped == 8 * 4)
        #expect(text.contains(#"job_id="j1""#))
        #expect(!text.contains(#"job_id="j2""#))
    }

    @Test func openMetricsOutputEndsWithEOF() {
        let (text, _) = render([snapshot("42")], format: .openMetrics)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE hpc_job counter\nhpc_job_total 12\n"))
    }
}
