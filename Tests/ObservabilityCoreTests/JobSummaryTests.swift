import Foundation
import ObservabilityCore
import Testing

@Suite("Job summaries")
struct JobSummaryTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    func job(cpus: Int?, memory: Int64?) -> Job {
        Job(
            id: "7",
            user: "alice",
            state: .completed,
            attributes: JobAttributes(
                requestedCPUs: cpus,
                requestedMemoryBytes: memory
            ),
            submitTime: start,
            startTime: start,
            endTime: start.addingTimeInterval(100)
        )
    }

    @Test func efficienciesFromTheNodesTotals() throws {
        let usage = [
            JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: 300, peakMemoryBytes: 1 << 30),
            JobUsageTotals(jobID: "7", node: "n2", cpuSeconds: 100, peakMemoryBytes: 1 << 30),
        ]
        let summary = try #require(
            JobSummary(job: job(cpus: 8, memory: 8 << 30), usage: JobUsage(nodes: usage, gpuSamples: 40, idleGPUSamples: 10), now: start)
        )
        #expect(summary.cpuSeconds == 400 && summary.peakMemoryBytes == 2 << 30 && summary.elapsedSeconds == 100)
        // 400 CPU seconds of the 800 that 8 CPUs for 100 s allow; 2 GiB of 8.
        #expect(summary.cpuEfficiencyPercent == 50)
        #expect(summary.memoryEfficiencyPercent == 25)
        #expect(summary.gpuIdlePercent == 25)
    }

    @Test func unknownDenominatorsGiveNoEfficiencyAndNoTotalsNoSummary() throws {
        let usage = [JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: 10, peakMemoryBytes: 5)]
        let summary = try #require(JobSummary(job: job(cpus: nil, memory: nil), usage: JobUsage(nodes: usage), now: start))
        #expect(summary.cpuEfficiencyPercent == nil && summary.memoryEfficiencyPercent == nil && summary.gpuIdlePercent == nil)
        #expect(JobSummary(job: job(cpus: 1, memory: 1), usage: JobUsage(nodes: []), now: start) == nil)
    }

    @Test func hugePeaksSaturateInsteadOfOverflowing() throws {
        let huge = Int64.max / 2 + 1
        let usage = JobUsage(nodes: ["a", "b", "c"].map { JobUsageTotals(jobID: "7", node: $0, cpuSeconds: 1e15, peakMemoryBytes: huge) })
        let summary = try #require(JobSummary(job: job(cpus: 1, memory: 1), usage: usage, now: start))
        #expect(summary.peakMemoryBytes == .max)
        #expect(summary.memoryEfficiencyPercent?.isFinite == true)
    }

    @Test func totalsAreValidated() {
        #expect(throws: ValidationError.self) { try JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: .nan, peakMemoryBytes: 0).validate() }
        #expect(throws: ValidationError.self) { try JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: 1, peakMemoryBytes: -1).validate() }
        #expect(throws: ValidationError.self) { try JobUsageTotals(jobID: "7", node: "a b", cpuSeconds: 1, peakMemoryBytes: 1).validate() }
    }
}
