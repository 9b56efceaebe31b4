public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns successive readings into samples: CPU use is the CPU time a job used between two
/// readings divided by the wall time between them, in percent of one core (100 = one core
/// busy all the time; 400 = four). A job's first reading only sets the baseline.
///
/// Also keeps the totals (CPU seconds, peak memory) of the jobs in the latest readings, for
/// their summaries; a job that is no longer read is forgotten.
public struct UsageTracker: Sendable {
    public struct Totals: Sendable, Hashable {
        public var cpuSeconds: Double
        public var peakMemoryBytes: Int64
        public var firstSeen: Date
        public var lastSeen: Date
    }

    private var previous: [String: (cpuSeconds: Double, time: Date)] = [:]
    public private(set) var totals: [String: Totals] = [:]

    public init() {}

    /// `gpus` is the node's GPUs now (``GPUDevices``); a job's GPU use is the mean over those
    /// Slurm gave it.
    public mutating func samples(from readings: [JobUsageReading], at time: Date, node: String?, gpus: [GPUUsage] = []) -> [MetricSample] {
        var samples: [MetricSample] = []
        var current: [String: (cpuSeconds: Double, time: Date)] = [:]
        for reading in readings {
            current[reading.jobID] = (reading.cpuSeconds, time)
            let peak = max(reading.memoryBytes, reading.peakMemoryBytes ?? 0)
            if var total = totals[reading.jobID] {
                total.cpuSeconds = max(total.cpuSeconds, reading.cpuSeconds)
                total.peakMemoryBytes = max(total.peakMemoryBytes, peak)
                total.lastSeen = time
                totals[reading.jobID] = total
            } else {
                totals[reading.jobID] = Totals(cpuSeconds: reading.cpuSeconds, peakMemoryBytes: peak, firstSeen: time, lastSeen: time)
            }
            guard let before = previous[reading.jobID] else { continue }
            let wall = time.timeIntervalSince(before.time)
            let used = reading.cpuSeconds - before.cpuSeconds
            // A counter that went backwards (a process that held CPU time ended) gives no
            // figure this cycle rather than a negative one.
            guard wall > 0, used >= 0 else { continue }
            samples.append(
                MetricSample(
                    jobID: reading.jobID,
                    time: time,
                    cpuUsage: (used / wall * 100 * 100).rounded() / 100,
                    memoryBytes: reading.memoryBytes,
                    gpuUsage: GPUDevices.jobUtilization(gpuIndices: reading.gpuIndices, devices: gpus),
                    node: node
                )
            )
        }
        previous = current
        totals = totals.filter { current[$0.key] != nil }
        return samples
    }
}
