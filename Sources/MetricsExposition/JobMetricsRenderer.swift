#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import ObservabilityCore

/// Renders the reference service's job families from the store's current state.
///
/// Per-job series are written at scrape time from the running jobs' newest samples, never
/// registered one by one: a job that leaves `running` is simply absent from the next scrape,
/// and a scrape costs one pass over the running jobs, not over sample history.
public struct JobMetricsRenderer: Sendable {
    public let configuration: JobMetricsConfiguration

    public init(configuration: JobMetricsConfiguration) {
        self.configuration = configuration
    }

    /// What the store holds at scrape time.
    public struct Input: Sendable {
        public var running: [RunningJobSnapshot]
        public var countsByState: [JobState: Int]
        public var jobsCreated: Int
        public var now: Date

        public init(running: [RunningJobSnapshot], countsByState: [JobState: Int], jobsCreated: Int, now: Date) {
            self.running = running
            self.countsByState = countsByState
            self.jobsCreated = jobsCreated
            self.now = now
        }
    }

    /// The six families, in the order they are written.
    public enum Family: CaseIterable, Sendable {
        case runtime, cpu, memory, gpu, states, total
    }

    /// What a scrape writes, computed once from the input: per included job its label block
    /// and four numbers, nothing more, so the store's snapshots can be freed before the
    /// families are written (a 100,000-job scrape would otherwise hold them twice).
    public struct Prepared: Sendable {
        struct Row: Sendable {
            var labels: [UInt8]
            var runtime: Double
            var cpu: Double?
            var memoryBytes: Int64?
            var gpu: Double?
        }

        let rows: [Row]
        let countsByState: [JobState: Int]
        let jobsCreated: Int
        /// Per-job series the cap left out of this scrape.
        public let droppedSeries: Int
    }

    public func prepare(_ input: Input) -> Prepared {
        var rows: [Prepared.Row] = []
        rows.reserveCapacity(min(input.running.count, configuration.maxSeries))
        var series = 0
        var dropped = 0
        for snapshot in input.running {
            let sample = snapshot.latestSample
            let jobSeries = 1 + (sample.map { $0.gpuUsage == nil ? 2 : 3 } ?? 0)
            if series + jobSeries > configuration.maxSeries {
                dropped += jobSeries
                continue
            }
            series += jobSeries
            rows.append(Prepared.Row(
                labels: labelBlock(for: snapshot),
                // Milliseconds are plenty, and keep the number short to write.
                runtime: (snapshot.job.runtime(at: input.now) * 1_000).rounded() / 1_000,
                cpu: sample?.cpuUsage,
                memoryBytes: sample?.memoryBytes,
                gpu: sample?.gpuUsage
            ))
        }
        return Prepared(rows: rows, countsByState: input.countsByState, jobsCreated: input.jobsCreated, droppedSeries: dropped)
    }

    /// Writes the six families at once; returns how many per-job series the cap left out.
    @discardableResult
    public func render(_ input: Input, into writer: inout MetricsWriter) -> Int {
        let prepared = prepare(input)
        for family in Family.allCases { write(family, of: prepared, into: &writer) }
        return prepared.droppedSeries
    }

    public func write(_ family: Family, of prepared: Prepared, into writer: inout MetricsWriter) {
        let rows = prepared.rows
        switch family {
        case .runtime:
            writer.family("hpc_job_runtime_seconds", type: .gauge, help: "Seconds a running job has run so far.")
            for row in rows { writer.sample("hpc_job_runtime_seconds", labels: row.labels, row.runtime) }
        case .cpu:
            writer.family(
                "hpc_job_cpu_usage_percent",
                type: .gauge,
                help: "CPU use of a running job from its newest sample, in percent of one core (100 = one busy core)."
            )
            for row in rows { if let cpu = row.cpu { writer.sample("hpc_job_cpu_usage_percent", labels: row.labels, cpu) } }
        case .memory:
            writer.family("hpc_job_memory_usage_bytes", type: .gauge, help: "Resident memory of a running job from its newest sample, in bytes.")
            for row in rows { if let bytes = row.memoryBytes { writer.sample("hpc_job_memory_usage_bytes", labels: row.labels, bytes) } }
        case .gpu:
            writer.family("hpc_job_gpu_usage_percent", type: .gauge, help: "Mean GPU utilisation of a running job from its newest sample, in percent.")
            for row in rows { if let gpu = row.gpu { writer.sample("hpc_job_gpu_usage_percent", labels: row.labels, gpu) } }
        case .states:
            writer.family(
                "hpc_job_state_total",
                type: .gauge,
                help: "Jobs in each state now. A gauge despite the _total suffix, named as the service this one replaces named it."
            )
            for state in JobState.allCases {
                let labels = MetricsWriter.labelBlock([("state", state.rawValue)])
                writer.sample("hpc_job_state_total", labels: labels, Int64(prepared.countsByState[state] ?? 0))
            }
        case .total:
            writer.family("hpc_job_total", type: .counter, help: "Jobs ever recorded; deleting jobs does not lower it.")
            writer.sample("hpc_job_total", Int64(prepared.jobsCreated))
        }
    }

    private func labelBlock(for snapshot: RunningJobSnapshot) -> [UInt8] {
        let job = snapshot.job
        var block = LabelBlock()
        for label in configuration.labels {
            switch label {
            case .jobID: block.add("job_id", job.id)
            case .user: block.add("user", job.user)
            case .state: block.add("state", job.state.rawValue)
            case .partition: block.add("partition", job.partition ?? "")
            case .cluster: block.add("cluster", job.cluster ?? "")
            case .node: if let node = snapshot.latestSample?.node { block.add("node", node) }
            }
        }
        return block.bytes
    }
}
