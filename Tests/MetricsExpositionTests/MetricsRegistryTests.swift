import CoreMetrics
import MetricsExposition
import Testing

@Suite("Service metrics registry")
struct MetricsRegistryTests {
    func render(_ registry: MetricsRegistry) -> String {
        var writer = MetricsWriter(format: .prometheusText)
        registry.render(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func countersSumPerLabelSetAndCarryHelp() {
        let registry = MetricsRegistry()
        registry.describe("hpc_obs_things_total", help: "Things.")
        Counter(label: "hpc_obs_things_total", dimensions: [("kind", "a")], factory: registry).increment(by: 2)
        Counter(label: "hpc_obs_things_total", dimensions: [("kind", "a")], factory: registry).increment()
        Counter(label: "hpc_obs_things_total", dimensions: [("kind", "b")], factory: registry).increment()
        #expect(
            render(registry) == """
                # HELP hpc_obs_things_total Things.
                # TYPE hpc_obs_things_total counter
                hpc_obs_things_total{kind="a"} 3
                hpc_obs_things_total{kind="b"} 1

                """
        )
    }

    @Test func timersAreHistogramsInSeconds() {
        let registry = MetricsRegistry()
        let timer = Timer(label: "hpc_obs_latency_seconds", dimensions: [("route", "/x")], factory: registry)
        timer.recordNanoseconds(2_000_000)
        timer.recordNanoseconds(20_000_000_000)
        let text = render(registry)
        #expect(text.contains("# TYPE hpc_obs_latency_seconds histogram\n"))
        #expect(text.contains(#"hpc_obs_latency_seconds_bucket{route="/x",le="0.001"} 0"#))
        #expect(text.contains(#"hpc_obs_latency_seconds_bucket{route="/x",le="0.0025"} 1"#))
        #expect(text.contains(#"hpc_obs_latency_seconds_bucket{route="/x",le="10.0"} 1"#))
        #expect(text.contains(#"hpc_obs_latency_seconds_bucket{route="/x",le="+Inf"} 2"#))
        #expect(text.contains(#"hpc_obs_latency_seconds_count{route="/x"} 2"#))
        #expect(text.contains(#"hpc_obs_latency_seconds_sum{route="/x"} 20.002"#))
    }

    @Test func undescribedFamiliesStillHaveHelp() {
        let registry = MetricsRegistry()
        Gauge(label: "hpc_obs_depth", factory: registry).record(Int64(4))
        #expect(render(registry).contains("# HELP hpc_obs_depth "))
    }
}
