import Foundation
import Logging
import MetricsTestKit
import NodeAgent
import NodeCollector
import ObservabilityCore
import Synchronization
import TestSupport
import Testing

/// Keeps what the collector hands over, cycle by cycle.
final class RecordingSink: CollectorSink {
    private let deliveries = Mutex<[(samples: [MetricSample], totals: [JobUsageTotals])]>([])

    var cycles: [(samples: [MetricSample], totals: [JobUsageTotals])] { deliveries.withLock { $0 } }

    func deliver(samples: [MetricSample], totals: [JobUsageTotals]) async -> (stored: Int, dropped: Int) {
        deliveries.withLock { $0.append((samples, totals)) }
        return (samples.count, 0)
    }
}

/// slurmctld's allocations as a table; jobs it does not list have ended.
struct RecordedAllocations: JobAllocationSource {
    let table: [String: JobAllocation]

    func allocation(ofJob nodeJobID: String, onNode node: String) async throws -> JobAllocation? {
        table[nodeJobID]
    }
}

/// A node with job cgroups never asks slurmd for step processes.
struct NoStepProcesses: StepProcessSource {
    struct Asked: Error {}

    func stepPIDs(onNode node: String) async throws -> [String: [Int32]] {
        throw Asked()
    }
}

/// The collector in-process: a cgroup v2 tree in a temporary directory, slurmctld as a table,
/// a manual clock that also sets the samples' time.
@Suite("Collector service on a manual clock")
struct CollectorServiceTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-agent-\(UUID().uuidString)").path

    func write(_ path: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    func job(_ id: String, cpuMicroseconds: Int, anonBytes: Int) throws {
        let job = "cgroup/system.slice/slurmstepd.scope/job_\(id)"
        try write("\(job)/cpu.stat", "usage_usec \(cpuMicroseconds)\n")
        try write("\(job)/memory.current", "\(anonBytes)\n")
        try write("\(job)/memory.stat", "anon \(anonBytes)\nfile 0\n")
    }

    @Test func eachCycleTurnsCgroupCountersIntoSamplesOfTheJobsSlurmPlaces() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try job("42", cpuMicroseconds: 10_000_000, anonBytes: 1 << 30)
        // A cgroup whose job slurmctld does not know (it ended): left out and counted.
        try job("77", cpuMicroseconds: 5_000_000, anonBytes: 1 << 20)
        let clock = ManualClock()
        let sink = RecordingSink()
        let metrics = TestMetrics()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = CollectorService(
            sink: sink,
            processes: NoStepProcesses(),
            allocations: RecordedAllocations(table: ["42": JobAllocation(jobID: "42")]),
            node: "cn01",
            interval: .seconds(30),
            clock: clock,
            now: { [clock] in Self.start.addingTimeInterval(Double(clock.now.offset.components.seconds)) },
            cgroupRoot: "\(root)/cgroup",
            procRoot: "\(root)/proc",
            metricsFactory: metrics,
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await service.run() }
            // The first reading only sets the baseline: no sample yet, but the totals.
            #expect(clock.now.duration(to: await clock.nextSleep()) == .seconds(30))
            #expect(sink.cycles.count == 1 && sink.cycles[0].samples.isEmpty)
            #expect(sink.cycles[0].totals.map(\.jobID) == ["42"])
            #expect(try metrics.expectGauge("hpc_obs_collector_unmapped_jobs").lastValue == 1)

            // 15 CPU-seconds in 30 s: half a core.
            try job("42", cpuMicroseconds: 25_000_000, anonBytes: 2 << 30)
            clock.advance(by: .seconds(30))
            await clock.nextSleep()
            let sample = try #require(sink.cycles.last?.samples.first)
            #expect(sink.cycles.count == 2 && sink.cycles[1].samples.count == 1)
            #expect(sample.jobID == "42" && sample.node == "cn01" && sample.cpuUsage == 50 && sample.memoryBytes == 2 << 30)
            #expect(sample.time == Self.start.addingTimeInterval(30))
            #expect(try metrics.expectCounter("hpc_obs_collector_samples_total").totalValue == 1)
            group.cancelAll()
        }
    }
}
