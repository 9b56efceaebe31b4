public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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
        public var running: [RunningJob]
        public var countsByState: [JobState: Int]
        public var jobsCreated: Int
        public var now: Date

        public init(running: [RunningJob], countsByState: [JobState: Int], jobsCreated: Int, now: Date) {
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

    /// What a scrape writes, built job by job as the store reads them and kept flat: every
    /// included job's label block in a ``LabelBlockBuffer`` and its four numbers in arrays
    /// reserved once. No allocation per job and no copy of the store's rows, so a
    /// 100,000-job scrape holds about 15 MB, not hundreds of thousands of small objects.
    public struct Prepared: Sendable {
        let configuration: JobMetricsConfiguration
        let now: Date
        var labels: LabelBlockBuffer
        var runtimes: [Double] = []
        var cpu: [Double?] = []
        var memoryBytes: [Int64?] = []
        var gpu: [Double?] = []
        var series = 0
        public var countsByState: [JobState: Int] = [:]
        public var jobsCreated = 0
        /// Per-job series the cap left out of this scrape.
        public private(set) var droppedSeries = 0

        let expectedJobs: Int

        init(configuration: JobMetricsConfiguration, now: Date, expectedJobs: Int) {
            self.configuration = configuration
            self.now = now
            self.expectedJobs = max(0, min(expectedJobs, configuration.maxSeries))
            labels = LabelBlockBuffer()
        }

        /// Reserved when the first job arrives, not at creation: an empty value is copied
        /// into the store's read, and a copy would drop a reservation made before it.
        private mutating func reserveForExpectedJobs() {
            labels.reserve(blocks: expectedJobs)
            runtimes.reserveCapacity(expectedJobs)
            cpu.reserveCapacity(expectedJobs)
            memoryBytes.reserveCapacity(expectedJobs)
            gpu.reserveCapacity(expectedJobs)
        }

        var jobCount: Int { labels.count }

        func labels(ofJob index: Int) -> ArraySlice<UInt8> {
            labels[index]
        }

        /// Takes in one running job, or counts its series as dropped once the cap is reached.
        public mutating func add(_ job: RunningJob) {
            let sample = job.latestSample
            let jobSeries = 1 + (sample.map { $0.gpuUsage == nil ? 2 : 3 } ?? 0)
            if series + jobSeries > configuration.maxSeries {
                droppedSeries += jobSeries
                return
            }
            series += jobSeries
            if jobCount == 0 { reserveForExpectedJobs() }
            appendLabels(of: job)
            // Milliseconds are plenty, and keep the number short to write.
            runtimes.append((job.runtime(at: now) * 1_000).rounded() / 1_000)
            cpu.append(sample?.cpuUsage)
            memoryBytes.append(sample?.memoryBytes)
            gpu.append(sample?.gpuUsage)
        }

        private mutating func appendLabels(of job: RunningJob) {
            labels.beginBlock()
            for label in configuration.labels {
                switch label {
                case .jobID: labels.add("job_id", job.schedulerID)
                case .user: labels.add("user", job.user)
                case .state: labels.add("state", JobState.running.rawValue)
                case .partition: labels.add("partition", job.partition ?? "")
                case .cluster: labels.add("cluster", job.cluster ?? "")
                case .node: if let node = job.latestSample?.node { labels.add("node", node) }
                }
            }
            labels.endBlock()
        }
    }

    /// An empty preparation to ``Prepared/add(_:)`` running jobs to, as the store reads them;
    /// `expectedJobs` (the running count, if known) sizes its arrays once.
    public func startPreparing(now: Date, expectedJobs: Int = 0) -> Prepared {
        Prepared(configuration: configuration, now: now, expectedJobs: expectedJobs)
    }

    public func prepare(_ input: Input) -> Prepared {
        var prepared = startPreparing(now: input.now, expectedJobs: input.running.count)
        for job in input.running { prepared.add(job) }
        prepared.countsByState = input.countsByState
        prepared.jobsCreated = input.jobsCreated
        return prepared
    }

    /// Writes the six families at once; returns how many per-job series the cap left out.
    @discardableResult
    public func render(_ input: Input, into writer: inout MetricsWriter) -> Int {
        let prepared = prepare(input)
        for family in Family.allCases { write(family, of: prepared, into: &writer) }
        return prepared.droppedSeries
    }

    /// Writes a whole family.
    public func write(_ family: Family, of prepared: Prepared, into writer: inout MetricsWriter) {
        var next: Int? = 0
        while let job = next {
            next = write(family, of: prepared, into: &writer, resumingAt: job, byteLimit: .max)
        }
    }

    /// Writes a family from job `first` on (its HELP and TYPE when `first` is 0) until the
    /// writer holds `byteLimit` bytes; returns the job to resume at, or nil when the family is
    /// complete. Lets a scrape send 100,000 jobs in chunks instead of holding a family whole.
    public func write(
        _ family: Family,
        of prepared: Prepared,
        into writer: inout MetricsWriter,
        resumingAt first: Int,
        byteLimit: Int
    ) -> Int? {
        var job = first
        /// One gauge series per job that has a value.
        func gauge(_ name: String, help: String, _ value: (Int) -> Double?) -> Int? {
            if job == 0 { writer.family(name, type: .gauge, help: help) }
            while job < prepared.jobCount {
                if writer.bytes.count >= byteLimit { return job }
                if let value = value(job) { writer.sample(name, labels: prepared.labels(ofJob: job), value) }
                job += 1
            }
            return nil
        }
        switch family {
        case .runtime:
            return gauge("hpc_job_runtime_seconds", help: "Seconds a running job has run so far.") { prepared.runtimes[$0] }
        case .cpu:
            let help = "CPU use of a running job from its newest sample, in percent of one core (100 = one busy core)."
            return gauge("hpc_job_cpu_usage_percent", help: help) { prepared.cpu[$0] }
        case .memory:
            // Written as integers: bytes stay exact in a Double up to 8 PiB.
            let help = "Resident memory of a running job from its newest sample, in bytes."
            return gauge("hpc_job_memory_usage_bytes", help: help) { prepared.memoryBytes[$0].map(Double.init) }
        case .gpu:
            let help = "Mean GPU utilisation of a running job from its newest sample, in percent."
            return gauge("hpc_job_gpu_usage_percent", help: help) { prepared.gpu[$0] }
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
            return nil
        case .total:
            writer.family("hpc_job_total", type: .counter, help: "Jobs ever recorded; deleting jobs does not lower it.")
            writer.sample("hpc_job_total", Int64(prepared.jobsCreated))
            return nil
        }
    }
}
