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
