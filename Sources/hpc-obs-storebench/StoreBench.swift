import ArgumentParser
import Foundation
import Logging
import ObservabilityCore
import StorageBackends

/// Measures append throughput through `JobStore`, and serves as an independent writer process
/// for the multi-process tests. Not installed; see `bench/store-append.sh`.
@main
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hpc-obs-storebench",
        abstract: "Append-throughput benchmark and test writer for the hpc-obs storage core.",
        discussion: "The database comes from DATABASE_TYPE and DATABASE_URL, as for hpc-obs-server.",
        subcommands: [Append.self, EmitSQL.self, Migrate.self, SeedRunning.self, Poll.self]
    )
}

/// The rows every subcommand agrees on, so the sqlite3 tool inserts exactly what `append` does.
enum BenchRows {
    static let baseMicroseconds: Int64 = 1_780_000_000_000_000

    static func sample(job: String, index: Int, offset: Int) -> MetricSample {
        let n = index + offset
        return MetricSample(
            jobID: job,
            time: Date(timeIntervalSince1970: Double(baseMicroseconds + Int64(n) * 1_000) / 1_000_000),
            cpuUsage: Double(n % 100) + 0.5,
            memoryBytes: Int64(1_024 + n % 512) << 20,
            gpuUsage: n.isMultiple(of: 2) ? Double(n % 100) : nil,
            node: "node-\(n % 4)"
        )
    }
}

struct DatabaseOptions: ParsableArguments {
    func configuration() throws -> DatabaseConfiguration {
        try DatabaseConfiguration(environment: ProcessInfo.processInfo.environment)
    }
}

extension StoreBench {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open and migrate the database, then exit.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let store = try await JobStoreFactory.open(try database.configuration(), logger: Logger(label: "storebench"))
            await store.close()
        }
    }

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append samples through JobStore and print the throughput as JSON.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Job the samples belong to; created when missing.") var job = "bench-1"
        @Option(help: "How many samples to append.") var samples = 100_000
        @Option(help: "Samples per appendSamples call.") var batch = 1_000
        @Option(help: "First sample index, so that concurrent writers write distinct rows.") var offset = 0

        func run() async throws {
            guard samples >= 0, batch >= 1 else { throw ValidationError("--samples must be ≥ 0 and --batch ≥ 1") }
            let configuration = try database.configuration()
            let store = try await JobStoreFactory.open(configuration, logger: Logger(label: "storebench"))
            do {
                let job = Job(
                    id: self.job,
                    user: "bench",
                    nodes: ["node-0"],
                    state: .running,
                    attributes: JobAttributes(
                        requestedCPUs: 128
                    ),
                    submitTime: Date(),
                    startTime: Date()
                )
                do {
                    _ = try await store.createJob(job)
                } catch let error as StoreError where error.code == .conflict {}
                let rows = (0..<samples).map { BenchRows.sample(job: self.job, index: $0, offset: offset) }
                let clock = ContinuousClock()
                let elapsed = try await clock.measure {
                    var start = 0
                    while start < rows.count {
                        let end = min(start + batch, rows.count)
                        try await store.appendSamples(Array(rows[start..<end]))
                        start = end
                    }
                }
                let seconds = elapsed.seconds
                let backend = if case .sqlite = configuration { "sqlite" } else { "postgres" }
                print(
                    #"{"backend":"\#(backend)","batch":\#(batch),"samples":\#(samples),"seconds":\#(seconds),"samplesPerSecond":\#(Int(Double(samples) / seconds))}"#
                )
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    struct SeedRunning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-running",
            abstract: "Create running jobs, each with one sample (half of them with GPU use), for /metrics benchmarks."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many running jobs.") var jobs = 10_000

        func run() async throws {
            let store = try await JobStoreFactory.open(try database.configuration(), logger: Logger(label: "storebench"))
            let now = Date()
            var start = 0
            while start < jobs {
                let end = min(start + 1_000, jobs)
                let events = (start..<end).map { index in
                    LifecycleEvent(
                        id: "seed-\(index)",
                        jobID: "\(1_000_000 + index)",
                        kind: .started,
                        time: now,
                        user: "user\(index % 50)",
                        nodes: ["cn\(index % 2_000)"],
                        attributes: JobAttributes(
                            partition: index.isMultiple(of: 3) ? "gpu" : "batch",
                            cluster: "bench",
                            requestedCPUs: 32
                        )
                    )
                }
                _ = try await store.apply(events)
                try await store.appendSamples((start..<end).map { index in Self.sample(index: index, at: now) })
                start = end
            }
            await store.close()
        }

        static func sample(index: Int, at now: Date) -> MetricSample {
            let cpu = Double(index % 3_200) / 1.5
            let memory = Int64(index % 64 + 1) << 30
            let gpu: Double? = index.isMultiple(of: 2) ? Double(index % 100) : nil
            return MetricSample(
                jobID: "\(1_000_000 + index)",
                time: now,
                cpuUsage: cpu,
                memoryBytes: memory,
                gpuUsage: gpu,
                node: "cn\(index % 2_000)"
            )
        }
    }

    struct EmitSQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emit-sql",
            abstract: "Print, as one SQL transaction for the sqlite3 tool, the rows `append` would insert."
        )
        @Option var job = "bench-1"
        @Option var samples = 100_000
        @Option var offset = 0

        func run() throws {
            var out = "BEGIN;\n"
            out.reserveCapacity(samples * 110)
            for index in 0..<samples {
                let sample = BenchRows.sample(job: job, index: index, offset: offset)
                let micros = Int64((sample.time.timeIntervalSince1970 * 1_000_000).rounded())
                let gpu = sample.gpuUsage.map { String($0) } ?? "NULL"
                out +=
                    "INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node) VALUES ('\(job)', \(micros), \(sample.cpuUsage), \(sample.memoryBytes), \(gpu), '\(sample.node ?? "")');\n"
            }
            out += "COMMIT;\n"
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
