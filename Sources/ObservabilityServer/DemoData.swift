import Foundation
import ObservabilityCore

/// A small, realistic cluster for `--seed-demo`: 36 jobs over every state, six users, four
/// partitions, CPU-only and GPU jobs, multi-node jobs, and up to six hours of samples every
/// five minutes for jobs that ran.
///
/// Seeding is idempotent: a job id that exists is left alone, with its samples, so restarting
/// with `--seed-demo` adds nothing. Times are relative to `now`, so running jobs look current.
enum DemoData {
    struct Partition {
        let name: String
        let nodes: [String]
        let cpusPerNode: Int
        let gpusPerNode: Int
    }

    static let partitions = [
        Partition(name: "batch", nodes: (1...16).map { String(format: "cn%03d", $0) }, cpusPerNode: 64, gpusPerNode: 0),
        Partition(name: "gpu", nodes: (1...4).map { String(format: "gpu%02d", $0) }, cpusPerNode: 32, gpusPerNode: 4),
        Partition(name: "highmem", nodes: ["hm01", "hm02"], cpusPerNode: 96, gpusPerNode: 0),
        Partition(name: "debug", nodes: ["cn017", "cn018"], cpusPerNode: 64, gpusPerNode: 0),
    ]
    static let users = ["alice", "bob", "carol", "dave", "erin", "frank"]
    static let accounts = ["physics", "chemistry", "climate", "genomics"]
    static let states: [JobState] =
        Array(repeating: .running, count: 10) + Array(repeating: .pending, count: 5) + [.suspended]
        + Array(repeating: .completed, count: 10) + Array(repeating: .failed, count: 3) + [.cancelled, .cancelled]
        + [.timeout, .timeout, .nodeFail, .outOfMemory, .preempted]
    static let sampleInterval: TimeInterval = 300

    /// Seeds the store; returns how many jobs it created (0 when already seeded).
    static func seed(into store: any JobStore, now: Date) async throws -> Int {
        var random = SeededRandom(seed: 20_261_129)
        var created = 0
        for (index, state) in states.enumerated() {
            let (job, samples) = makeJob(number: 1_001 + index, state: state, now: now, random: &random)
            do {
                _ = try await store.createJob(job)
            } catch let error as StoreError where error.code == .conflict {
                continue
            }
            if !samples.isEmpty {
                try await store.appendSamples(samples)
                try await store.recordUsage(usageTotals(of: samples))
            }
            created += 1
        }
        return created
    }

    static func makeJob(number: Int, state: JobState, now: Date, random: inout SeededRandom) -> (Job, [MetricSample]) {
        let partition = partitions[number % 7 == 0 ? 2 : number % 5 == 0 ? 3 : number % 3 == 0 ? 1 : 0]
        let nodeCount = partition.name == "batch" && number % 4 == 0 ? 1 + random.next(upTo: 4) : 1
        let firstNode = random.next(upTo: partition.nodes.count - nodeCount + 1)
        let nodes = Array(partition.nodes[firstNode..<(firstNode + nodeCount)])
        let cpus = nodeCount * [8, 16, 32, partition.cpusPerNode][random.next(upTo: 4)]
        let gpus = partition.gpusPerNode > 0 ? nodeCount * (1 + random.next(upTo: partition.gpusPerNode)) : 0
        let memoryGiB = Int64(cpus) * (partition.name == "highmem" ? 16 : 4)
        let submit = now.addingTimeInterval(-Double(900 + random.next(upTo: 6 * 3_600)))
        var job = Job(
            id: "demo-\(number)",
            user: users[random.next(upTo: users.count)],
            nodes: state == .pending ? [] : nodes,
            state: state,
            attributes: JobAttributes(
                name: ["lammps-md", "wrf-forecast", "bert-finetune", "gromacs-run", "cp2k-opt", "bwa-align"][number % 6],
                partition: partition.name,
                account: accounts[number % accounts.count],
                cluster: "demo",
                requestedCPUs: cpus,
                requestedMemoryBytes: memoryGiB << 30,
                requestedGPUs: gpus
            ),
            submitTime: submit
        )
        guard state != .pending else { return (job, []) }
        let start = min(now.addingTimeInterval(-600), submit.addingTimeInterval(Double(30 + random.next(upTo: 600))))
        job.startTime = start
        if state.isTerminal {
            let ranFor = Double(600 + random.next(upTo: 5 * 3_600))
            job.endTime = min(now.addingTimeInterval(-60), start.addingTimeInterval(ranFor))
            job.exitCode =
                switch state {
                case .completed: 0
                case .failed: [1, 2, 3][number % 3]
                case .outOfMemory: 137
                case .cancelled, .timeout, .nodeFail, .preempted: 0
                default: nil
                }
        }
        let samples = makeSamples(for: job, gpus: gpus, until: job.endTime ?? now, random: &random)
        return (job, samples)
    }

    /// How a demo job treats what it asked for: most use it well; some earn the verdicts a
    /// real cluster's jobs earn (few of many cores busy, memory asked for and never touched,
    /// GPUs left idle).
    enum Habit {
        case busy, fewCoresBusy, gpusIdle

        init(number: Int, gpus: Int) {
            self = number % 5 == 1 ? .fewCoresBusy : gpus > 0 && number % 2 == 0 ? .gpusIdle : .busy
        }
    }

    /// Load that ramps up, wobbles, and (for an out-of-memory job) climbs to its limit; one
    /// series per node, the job's use shared between them.
    static func makeSamples(for job: Job, gpus: Int, until end: Date, random: inout SeededRandom) -> [MetricSample] {
        guard let start = job.startTime, let cpus = job.requestedCPUs, let memory = job.requestedMemoryBytes else { return [] }
        let habit = Habit(number: Int(job.id.dropFirst("demo-".count)) ?? 0, gpus: gpus)
        let efficiency = habit == .fewCoresBusy ? 0.04 + Double(random.next(upTo: 10)) / 100 : 0.55 + Double(random.next(upTo: 40)) / 100
        let nodes = job.nodes.isEmpty ? [nil] : job.nodes.map(Optional.some)
        let share = 1 / Double(nodes.count)
        var samples: [MetricSample] = []
        var time = start.addingTimeInterval(sampleInterval)
        var step = 0.0
        while time <= end {
            let ramp = min(1, step / 3)
            let wobble = 1 + 0.08 * sin(step / 2)
            let cpu = min(Double(cpus) * 100, Double(cpus) * 100 * efficiency * ramp * wobble)
            let memoryShare =
                job.state == .outOfMemory ? min(1, 0.4 + step * 0.05) : habit == .fewCoresBusy ? 0.05 : 0.3 + 0.3 * efficiency * ramp
            let gpu = habit == .gpusIdle ? (step < 2 ? 40.0 : 0) : min(100, ((60 + 35 * efficiency * wobble) * ramp * 10).rounded() / 10)
            for (index, node) in nodes.enumerated() {
                let skew = 1 + 0.05 * Double(index) * sin(step / 3)
                samples.append(
                    MetricSample(
                        jobID: job.id,
                        time: time,
                        cpuUsage: (min(Double(cpus) * 100 * share, cpu * share * skew) * 10).rounded() / 10,
                        memoryBytes: Int64(Double(memory) * memoryShare * share),
                        gpuUsage: gpus > 0 ? gpu : nil,
                        node: node
                    )
                )
            }
            time = time.addingTimeInterval(sampleInterval)
            step += 1
        }
        return samples
    }

    /// What each node's collector would have reported: CPU time over the samples and the peak.
    static func usageTotals(of samples: [MetricSample]) -> [JobUsageTotals] {
        var totals: [String: JobUsageTotals] = [:]
        for sample in samples {
            let node = sample.node ?? "demo"
            var total = totals[node] ?? JobUsageTotals(jobID: sample.jobID, node: node, cpuSeconds: 0, peakMemoryBytes: 0)
            total.cpuSeconds += sample.cpuUsage / 100 * sampleInterval
            total.peakMemoryBytes = max(total.peakMemoryBytes, sample.memoryBytes)
            totals[node] = total
        }
        return totals.values.sorted { $0.node < $1.node }
    }
}
