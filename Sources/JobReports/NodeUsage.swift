import Foundation
import ObservabilityAPI

/// One node's use over the job, from the service's downsampled points.
struct NodeUsage: Equatable {
    var name: String
    /// Mean CPUs busy (cpuUsage is percent of one core).
    var cores: Double
    var peakMemoryMb: Double
    var gpuPercent: Double?

    /// Per node, by name; points without a node count as one node named "-". Means are
    /// weighted by how many samples each point stands for.
    static func from(_ samples: [Components.Schemas.MetricSample]) -> [NodeUsage] {
        struct Totals {
            var weight = 0.0
            var cpu = 0.0
            var memory = 0.0
            var gpuWeight = 0.0
            var gpu = 0.0
        }
        var totals: [String: Totals] = [:]
        for sample in samples {
            let weight = Double(max(sample.samples ?? 1, 1))
            var entry = totals[sample.node ?? "-", default: Totals()]
            entry.weight += weight
            entry.cpu += sample.cpuUsage * weight
            entry.memory = max(entry.memory, sample.memoryUsageMaxMb ?? sample.memoryUsageMb)
            if let gpu = sample.gpuUsage {
                entry.gpuWeight += weight
                entry.gpu += gpu * weight
            }
            totals[sample.node ?? "-"] = entry
        }
        return totals.keys.sorted().map { name in
            let entry = totals[name]!
            return NodeUsage(
                name: name,
                cores: entry.weight > 0 ? entry.cpu / entry.weight / 100 : 0,
                peakMemoryMb: entry.memory,
                gpuPercent: entry.gpuWeight > 0 ? entry.gpu / entry.gpuWeight : nil
            )
        }
    }

    /// The GPUs' mean use over every point that has one; nil when none has.
    static func meanGPU(_ samples: [Components.Schemas.MetricSample]) -> Double? {
        var weight = 0.0
        var sum = 0.0
        for sample in samples {
            guard let gpu = sample.gpuUsage else { continue }
            let w = Double(max(sample.samples ?? 1, 1))
            weight += w
            sum += gpu * w
        }
        return weight > 0 ? sum / weight : nil
    }
}

/// The job's series over time, the nodes together: CPUs busy and memory summed, GPU use
/// averaged, one value per point in time.
struct TimeSeries {
    var cpuCores: [Double] = []
    var memoryMb: [Double] = []
    var gpuPercent: [Double?] = []

    static func from(_ samples: [Components.Schemas.MetricSample]) -> TimeSeries {
        var byTime: [Date: (cpu: Double, memory: Double, gpu: Double, gpus: Int)] = [:]
        for sample in samples {
            var entry = byTime[sample.timestamp, default: (0, 0, 0, 0)]
            entry.cpu += sample.cpuUsage / 100
            entry.memory += sample.memoryUsageMb
            if let gpu = sample.gpuUsage {
                entry.gpu += gpu
                entry.gpus += 1
            }
            byTime[sample.timestamp] = entry
        }
        var series = TimeSeries()
        for time in byTime.keys.sorted() {
            let entry = byTime[time]!
            series.cpuCores.append(entry.cpu)
            series.memoryMb.append(entry.memory)
            series.gpuPercent.append(entry.gpus > 0 ? entry.gpu / Double(entry.gpus) : nil)
        }
        return series
    }
}
