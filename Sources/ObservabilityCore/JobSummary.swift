#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How well a job used what it asked for, from its recorded totals: the figures `seff`
/// reports, without Slurm accounting.
///
/// CPU efficiency is CPU seconds ÷ (elapsed × allocated CPUs); memory efficiency is peak
/// memory ÷ requested memory; GPU idle share is the share of the job's samples with GPU figures
/// whose GPUs were idle. Each is nil when its denominator is unknown. Peak memory is
/// the sum of the per-node peaks, which is the job's peak when its nodes peak together and
/// an upper bound otherwise.
public struct JobSummary: Sendable, Hashable {
    public var cpuSeconds: Double
    public var peakMemoryBytes: Int64
    public var elapsedSeconds: Double
    public var cpuEfficiencyPercent: Double?
    public var memoryEfficiencyPercent: Double?
    public var gpuIdlePercent: Double?

    /// Nil when no node has reported totals for the job.
    public init?(job: Job, usage: JobUsage, now: Date) {
        guard !usage.nodes.isEmpty else { return nil }
        cpuSeconds = usage.nodes.reduce(0) { $0 + $1.cpuSeconds }
        // Saturating: each node's peak may be near Int64.max (8 EiB) on its own.
        peakMemoryBytes = usage.nodes.reduce(Int64(0)) { total, node in
            let (sum, overflow) = total.addingReportingOverflow(node.peakMemoryBytes)
            return overflow ? .max : sum
        }
        elapsedSeconds = job.runtime(at: now)
        if let cpus = job.requestedCPUs, cpus > 0, elapsedSeconds > 0 {
            cpuEfficiencyPercent = Self.rounded(cpuSeconds / (elapsedSeconds * Double(cpus)) * 100)
        }
        if let requested = job.requestedMemoryBytes, requested > 0 {
            memoryEfficiencyPercent = Self.rounded(Double(peakMemoryBytes) / Double(requested) * 100)
        }
        if usage.gpuSamples > 0 {
            gpuIdlePercent = Self.rounded(Double(usage.idleGPUSamples) / Double(usage.gpuSamples) * 100)
        }
    }

    private static func rounded(_ percent: Double) -> Double {
        (percent * 10).rounded() / 10
    }
}
