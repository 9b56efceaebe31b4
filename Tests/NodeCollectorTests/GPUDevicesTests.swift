import Foundation
import NodeCollector
import ObservabilityCore
import Testing

@Suite("GPUs")
struct GPUDevicesTests {
    @Test func withoutNVMLThereAreNoGPUsAndNoError() {
        // No NVIDIA driver on the test machines: the collector must run and export no GPU series.
        guard !GPUDevices.available else { return }
        #expect(GPUDevices.read().isEmpty)
        var tracker = UsageTracker()
        let t0 = Date(timeIntervalSince1970: 0)
        _ = tracker.samples(
            from: [JobUsageReading(jobID: "1", cpuSeconds: 0, memoryBytes: 1, gpuIndices: [0])],
            at: t0,
            node: "n",
            gpus: GPUDevices.read()
        )
        let samples = tracker.samples(
            from: [JobUsageReading(jobID: "1", cpuSeconds: 1, memoryBytes: 1, gpuIndices: [0])],
            at: t0.addingTimeInterval(1),
            node: "n",
            gpus: GPUDevices.read()
        )
        #expect(samples.count == 1 && samples[0].gpuUsage == nil)
    }

    @Test func aJobsGPUUseIsTheMeanOverItsOwnGPUs() {
        let devices = [
            GPUUsage(index: 0, utilizationPercent: 90, memoryUsedBytes: 1),
            GPUUsage(index: 1, utilizationPercent: 40, memoryUsedBytes: 1),
            GPUUsage(index: 2, utilizationPercent: 0, memoryUsedBytes: 0),
        ]
        #expect(GPUDevices.jobUtilization(gpuIndices: [0, 1], devices: devices) == 65)
        #expect(GPUDevices.jobUtilization(gpuIndices: [2], devices: devices) == 0)
        #expect(GPUDevices.jobUtilization(gpuIndices: [], devices: devices) == nil)
        #expect(GPUDevices.jobUtilization(gpuIndices: [7], devices: devices) == nil)
    }
}
