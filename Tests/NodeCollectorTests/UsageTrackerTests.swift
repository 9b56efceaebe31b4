import Foundation
import NodeCollector
import ObservabilityCore
import Testing

@Suite("Usage tracker")
struct UsageTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func cpuUseIsCPUTimeOverWallTimeInPercentOfOneCore() {
        var tracker = UsageTracker()
        #expect(tracker.samples(from: [JobUsageReading(jobID: "1", cpuSeconds: 10, memoryBytes: 100)], at: t0, node: "n1").isEmpty)
        let samples = tracker.samples(
            from: [JobUsageReading(jobID: "1", cpuSeconds: 55, memoryBytes: 200, peakMemoryBytes: 300)],
            at: t0.addingTimeInterval(30),
            node: "n1"
        )
        // 45 CPU seconds in 30 s: one and a half cores.
        #expect(samples == [MetricSample(jobID: "1", time: t0.addingTimeInterval(30), cpuUsage: 150, memoryBytes: 200, gpuUsage: nil, node: "n1")])
        #expect(tracker.totals["1"]?.cpuSeconds == 55)
        #expect(tracker.totals["1"]?.peakMemoryBytes == 300)
    }

    @Test func aCounterThatGoesBackwardsGivesNoFigureAndAGoneJobStartsAfresh() {
        var tracker = UsageTracker()
        _ = tracker.samples(from: [JobUsageReading(jobID: "1", cpuSeconds: 10, memoryBytes: 1)], at: t0, node: nil)
        #expect(tracker.samples(from: [JobUsageReading(jobID: "1", cpuSeconds: 4, memoryBytes: 1)], at: t0.addingTimeInterval(30), node: nil).isEmpty)
        _ = tracker.samples(from: [], at: t0.addingTimeInterval(60), node: nil)
        #expect(
            tracker.samples(from: [JobUsageReading(jobID: "1", cpuSeconds: 40, memoryBytes: 1)], at: t0.addingTimeInterval(90), node: nil).isEmpty
        )
    }
}
