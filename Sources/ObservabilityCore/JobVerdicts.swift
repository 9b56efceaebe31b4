#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Plain-language verdicts on a job, from its state, what it asked for and its summary: the
/// questions a user asks after a slow or failed job ("did I waste my GPUs?"), answered the
/// way Princeton's jobstats does, without a query.
///
/// Pure: the same job, summary and thresholds always give the same notes, in the same order
/// (how it ended first, then CPU, memory, GPUs). A figure that is unknown (no collector
/// reported the job, no request recorded) gives no note rather than a guess.
public enum JobVerdicts {
    /// Where "too little" starts. Sites tune them (`VERDICT_*` settings); the defaults are
    /// conservative, so a note means real waste.
    public struct Thresholds: Sendable, Hashable {
        /// CPU efficiency below this percent, with at least ``minimumCPUs`` allocated, earns a note.
        public var cpuEfficiencyPercent: Double
        public var minimumCPUs: Int
        /// Peak memory below this percent of a request of at least ``minimumMemoryBytes``.
        public var memoryUsedPercent: Double
        public var minimumMemoryBytes: Int64
        /// GPUs idle in at least this percent of the job's GPU samples.
        public var gpuIdlePercent: Double
        /// Runs shorter than this are too short to judge.
        public var minimumSeconds: Double

        public init(
            cpuEfficiencyPercent: Double = 50,
            minimumCPUs: Int = 4,
            memoryUsedPercent: Double = 25,
            minimumMemoryBytes: Int64 = 4 << 30,
            gpuIdlePercent: Double = 50,
            minimumSeconds: Double = 300
        ) {
            self.cpuEfficiencyPercent = cpuEfficiencyPercent
            self.minimumCPUs = minimumCPUs
            self.memoryUsedPercent = memoryUsedPercent
            self.minimumMemoryBytes = minimumMemoryBytes
            self.gpuIdlePercent = gpuIdlePercent
            self.minimumSeconds = minimumSeconds
        }
    }

    public static func notes(for job: Job, summary: JobSummary?, thresholds: Thresholds = Thresholds()) -> [JobNote] {
        var notes: [JobNote] = []
        switch job.state {
        case .outOfMemory:
            let asked = job.requestedMemoryBytes.map { " with \(size($0)) asked for" } ?? ""
            notes.append(JobNote(code: .outOfMemory, message: "ran out of memory\(asked): ask for more, or use less per task"))
        case .timeout:
            let ran = summary.map { " after \(duration($0.elapsedSeconds))" } ?? ""
            notes.append(JobNote(code: .timeLimit, message: "reached its time limit\(ran): ask for more time, or checkpoint and resume"))
        default:
            break
        }
        guard let summary else { return notes }
        guard summary.elapsedSeconds >= thresholds.minimumSeconds else {
            if job.state.isTerminal {
                let ran = duration(summary.elapsedSeconds)
                notes.append(JobNote(code: .tooShortToJudge, message: "ran \(ran): too short to judge how it used what it asked for"))
            }
            return notes
        }
        if let cpus = job.requestedCPUs, cpus >= thresholds.minimumCPUs, let efficiency = summary.cpuEfficiencyPercent,
            efficiency < thresholds.cpuEfficiencyPercent
        {
            let busy = summary.cpuSeconds / summary.elapsedSeconds
            notes.append(
                JobNote(
                    code: .cpuUnderused,
                    message: "used \(decimal(busy)) of \(cpus) CPUs on average (\(percent(efficiency))): ask for fewer"
                )
            )
        }
        if let requested = job.requestedMemoryBytes, requested >= thresholds.minimumMemoryBytes, let used = summary.memoryEfficiencyPercent,
            used < thresholds.memoryUsedPercent
        {
            notes.append(
                JobNote(
                    code: .memoryOverrequested,
                    message: "peaked at \(size(summary.peakMemoryBytes)) of the \(size(requested)) it asked for (\(percent(used))): ask for less"
                )
            )
        }
        if let idle = summary.gpuIdlePercent, idle >= thresholds.gpuIdlePercent {
            let gpus = job.requestedGPUs.map { $0 == 1 ? "its GPU was" : "its \($0) GPUs were" } ?? "its GPUs were"
            notes.append(JobNote(code: .gpusIdle, message: "\(gpus) idle \(percent(idle)) of the time"))
        }
        return notes
    }

    /// `1.2`, `16`: one decimal where it says something.
    static func decimal(_ value: Double) -> String {
        // Summaries come from validated totals; a figure past this is not worth converting.
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    static func percent(_ value: Double) -> String {
        "\(decimal(value)) %"
    }

    /// `512 MiB`, `2.1 GiB`.
    static func size(_ bytes: Int64) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        if gib >= 1 { return "\(decimal(gib)) GiB" }
        return "\(Int((Double(bytes) / Double(1 << 20)).rounded())) MiB"
    }

    /// `42 s`, `5 min`, `2 h 10 min`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "\(seconds) s" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        let minutes = whole / 60
        if minutes < 60 { return "\(minutes) min" }
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }
}
