import Foundation
import ObservabilityCore

/// Whole seconds from a fixed instant, so stored and returned times compare exactly.
func at(_ seconds: Double) -> Date {
    Date(timeIntervalSince1970: 1_780_000_000 + seconds)
}

func makeJob(
    _ id: String,
    user: String = "alice",
    nodes: [String] = ["node-1"],
    state: JobState = .pending,
    partition: String? = "batch",
    requestedCPUs: Int? = 4,
    submit: Double = 0,
    start: Double? = nil,
    end: Double? = nil
) -> Job {
    Job(
        id: id,
        user: user,
        nodes: nodes,
        state: state,
        attributes: JobAttributes(
            partition: partition,
            account: "physics",
            cluster: "hpc1",
            requestedCPUs: requestedCPUs,
            requestedMemoryBytes: 8 << 30,
            requestedGPUs: 0
        ),
        submitTime: at(submit),
        startTime: start.map(at),
        endTime: end.map(at)
    )
}

func sample(
    _ jobID: String,
    _ seconds: Double,
    cpu: Double = 50,
    memoryMiB: Int64 = 1024,
    gpu: Double? = nil,
    node: String? = "node-1"
) -> MetricSample {
    MetricSample(jobID: jobID, time: at(seconds), cpuUsage: cpu, memoryBytes: memoryMiB << 20, gpuUsage: gpu, node: node)
}

func event(
    _ id: String,
    job: String,
    _ kind: LifecycleEvent.Kind,
    at seconds: Double,
    nodes: [String] = [],
    finalState: JobState? = nil,
    exitCode: Int? = nil
) -> LifecycleEvent {
    LifecycleEvent(
        id: id,
        jobID: job,
        kind: kind,
        time: at(seconds),
        user: "alice",
        nodes: nodes,
        finalState: finalState,
        exitCode: exitCode,
        attributes: JobAttributes(partition: "batch")
    )
}

/// Samples folded into points the plain way, to check the stores' downsampling against:
/// steps from 1970 in time order, nodes in byte order within a step.
func onePass(_ samples: ArraySlice<MetricSample>, stepSeconds: Double) -> [SamplePoint] {
    let steps = Dictionary(grouping: samples) { sample in (sample.time.timeIntervalSince1970 / stepSeconds).rounded(.down) * stepSeconds }
    var points: [SamplePoint] = []
    for stepStart in steps.keys.sorted() {
        let byNode = Dictionary(grouping: steps[stepStart] ?? []) { (sample: MetricSample) in sample.node ?? "" }
        for node in byNode.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let members = byNode[node] ?? []
            let count = Double(members.count)
            let cpu: [Double] = members.map { $0.cpuUsage }
            let memory: [Int64] = members.map { $0.memoryBytes }
            let gpus: [Double] = members.compactMap { $0.gpuUsage }
            points.append(
                SamplePoint(
                    time: Date(timeIntervalSince1970: stepStart),
                    node: members.first?.node,
                    samples: members.count,
                    cpuUsage: cpu.reduce(0, +) / count,
                    cpuUsageMax: cpu.max() ?? 0,
                    memoryBytes: memory.map { Double($0) }.reduce(0, +) / count,
                    memoryBytesMax: memory.max() ?? 0,
                    gpuUsage: gpus.isEmpty ? nil : gpus.reduce(0, +) / Double(gpus.count),
                    gpuUsageMax: gpus.max()
                )
            )
        }
    }
    return points
}

/// Points equal but for the rounding of their means, which the databases sum in their own order.
func nearlyEqual(_ left: [SamplePoint], _ right: [SamplePoint]) -> Bool {
    func near(_ a: Double?, _ b: Double?, _ tolerance: Double) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): abs(a - b) <= tolerance
        default: false
        }
    }
    guard left.count == right.count else { return false }
    for (a, b) in zip(left, right) {
        guard a.time == b.time, a.node == b.node, a.samples == b.samples, a.cpuUsageMax == b.cpuUsageMax,
            a.memoryBytesMax == b.memoryBytesMax, a.gpuUsageMax == b.gpuUsageMax,
            near(a.cpuUsage, b.cpuUsage, 1e-9), near(a.memoryBytes, b.memoryBytes, 1e-3), near(a.gpuUsage, b.gpuUsage, 1e-9)
        else { return false }
    }
    return true
}
