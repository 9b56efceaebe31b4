import EventTransport
import Foundation
import ObservabilityCore
import SchedulerHooks
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hook executables as slurmd and PBS MoM run them: a clean environment or arguments, and
/// whatever state the service, the store and the disk are in. Every case must exit 0.
@Suite("Hook executables", .serialized)
final class HookProcessTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-hooks-\(UUID().uuidString)").path

    init() throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try Data("# settings come from the environment in these tests\n".utf8).write(to: URL(fileURLWithPath: "\(scratch)/hpc-obs.conf"))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func environment(job: String, context: String = "prolog_slurmd", _ settings: [String: String]) -> [String: String] {
        var environment = [
            "SLURM_SCRIPT_CONTEXT": context, "SLURM_JOB_ID": job, "SLURM_JOB_USER": "alice", "SLURM_JOB_UID": "1000",
            "SLURM_JOB_PARTITION": "debug", "SLURMD_NODENAME": "cn1", "SLURM_CLUSTER_NAME": "test",
            "HPC_OBS_CONFIG": "\(scratch)/hpc-obs.conf", "HPC_OBS_SPOOL_DIR": "\(scratch)/spool",
        ]
        environment.merge(settings) { $1 }
        return environment
    }

    func spooled() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(scratch)/spool")) ?? []).filter { $0.hasSuffix(".json") }
    }

    @Test func directModeWritesTheStoreAndTheEpilogEndsTheJob() async throws {
        let database = "\(scratch)/jobs.db"
        let settings = ["DATABASE_URL": database]
        let prolog = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "11", settings))
        #expect(prolog.status == 0 && prolog.standardError.isEmpty, "\(prolog.standardError)")
        var epilogEnvironment = environment(job: "11", context: "epilog_slurmd", settings)
        epilogEnvironment["SLURM_JOB_EXIT_CODE2"] = "3:0"
        let epilog = try await BuiltExecutable.run("hpc-obs-epilog", environment: epilogEnvironment)
        #expect(epilog.status == 0 && epilog.standardError.isEmpty, "\(epilog.standardError)")
        let store = try await openSQLiteStore(database)
        let job = try #require(try await store.job(id: "11", cluster: nil))
        #expect(job.state == .failed && job.exitCode == 3 && job.nodes == ["cn1"] && job.cluster == "test")
        await store.close()
        #expect(spooled().isEmpty)
    }

    @Test func settingsComeFromTheConfigFileWhenSlurmdGivesNoEnvironment() async throws {
        let database = "\(scratch)/from-file.db"
        let config = "\(scratch)/site.conf"
        try Data("# site settings\nDATABASE_TYPE=sqlite\nDATABASE_URL=\"\(database)\"\nHPC_OBS_SPOOL_DIR=\(scratch)/spool\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        var slurmOnly = environment(job: "12", [:])
        slurmOnly["HPC_OBS_CONFIG"] = config
        slurmOnly["HPC_OBS_SPOOL_DIR"] = nil
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: slurmOnly)
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        let store = try await openSQLiteStore(database)
        #expect(try await store.job(id: "12", cluster: nil)?.state == .running)
        await store.close()
    }

    @Test func aDownServiceMeansSpoolThenReplayWhenItIsBack() async throws {
        let port = try LocalPort.free()
        let settings = ["HPC_OBS_URL": "http://127.0.0.1:\(port)"]
        let down = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "21", settings))
        #expect(down.status == 0)
        #expect(down.standardError.contains("spooled"), "\(down.standardError)")
        #expect(down.standardError.split(separator: "\n").count == 1)
        #expect(spooled().count == 1)

        let server = try ServerProcess.start(port: port, database: "\(scratch)/service.db")
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let up = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "22", settings))
        #expect(up.status == 0 && up.standardError.isEmpty, "\(up.standardError)")
        #expect(spooled().isEmpty)
        for id in ["21", "22"] {
            #expect(try await server.jobState(id) == "running", "job \(id)")
        }
    }

    @Test func aReplicaThatIsDownOrSilentIsPassedForTheNextAddress() async throws {
        let refused = try LocalPort.free()
        let silent = try SilentListener()
        defer { silent.close() }
        let port = try LocalPort.free()
        let server = try ServerProcess.start(port: port, database: "\(scratch)/replica.db")
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let urls = "http://127.0.0.1:\(refused), http://127.0.0.1:\(silent.port),http://127.0.0.1:\(port)"
        let settings = ["HPC_OBS_URL": urls, "HPC_OBS_HOOK_TIMEOUT": "2"]
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "25", settings))
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        #expect(result.seconds < 2, "took \(result.seconds) s")
        #expect(spooled().isEmpty)
        #expect(try await server.jobState("25") == "running")

        // A deadline long enough for a loaded machine to see both addresses fail, rather
        // than the watchdog's own end.
        let allDown = ["HPC_OBS_URL": "http://127.0.0.1:\(refused),http://127.0.0.1:\(silent.port)", "HPC_OBS_HOOK_TIMEOUT": "2"]
        let spooling = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "26", allDown))
        #expect(spooling.status == 0 && spooling.seconds < 3, "took \(spooling.seconds) s")
        #expect(
            spooling.standardError.contains("127.0.0.1:\(refused)") && spooling.standardError.contains("127.0.0.1:\(silent.port)"),
            "\(spooling.standardError)"
        )
        #expect(spooled().count == 1)
    }

    @Test func httpsIsHandedToTheFullHookWhichSpoolsWhenItCannotConnect() async throws {
        let port = try LocalPort.free()
        let settings = ["HPC_OBS_URL": "https://127.0.0.1:\(port)", "HPC_OBS_HOOK_TIMEOUT": "1"]
        let result = try await BuiltExecutable.run("hpc-obs-epilog", environment: environment(job: "23", context: "epilog_slurmd", settings))
        #expect(result.status == 0)
        #expect(
            result.standardError.hasPrefix("hpc-obs-epilog: event slurm:23:epilog_slurmd:cn1 spooled: https://127.0.0.1:"),
            "\(result.standardError)"
        )
        #expect(spooled().count == 1)
    }

    @Test func aMalformedEnvironmentLogsOneLineAndExitsZero() async throws {
        var broken = environment(job: "x", ["HPC_OBS_URL": "http://127.0.0.1:1"])
        broken["SLURM_JOB_ID"] = nil
        let result = try await BuiltExecutable.run("hpc-obs-epilog", environment: broken)
        #expect(result.status == 0)
        #expect(result.standardError.contains("SLURM_JOB_ID"))
        let empty = try await BuiltExecutable.run("hpc-obs-prolog", environment: [:])
        #expect(empty.status == 0)
    }

    /// A FIFO where the settings file belongs is not read (opening it would wait for a writer):
    /// the hook goes on without it, at once.
    @Test func aFIFOInPlaceOfTheSettingsFileNeitherBlocksNorFailsTheHook() async throws {
        let fifo = "\(scratch)/fifo.conf"
        #expect(mkfifo(fifo, 0o600) == 0)
        var settings = environment(job: "13", ["HPC_OBS_URL": "http://127.0.0.1:1"])
        settings["HPC_OBS_CONFIG"] = fifo
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: settings)
        #expect(result.status == 0)
        #expect(result.seconds < 2, "took \(result.seconds) s")
    }

    @Test func anUnwritableSpoolLosesTheEventButNotTheJob() async throws {
        let settings = ["HPC_OBS_URL": "http://127.0.0.1:1", "HPC_OBS_SPOOL_DIR": "/proc/hpc-obs-no-spool"]
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "31", settings))
        #expect(result.status == 0)
        #expect(result.standardError.contains("lost"), "\(result.standardError)")
    }

    @Test func aServiceThatNeverAnswersCostsTheDeadlineAndNoMore() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let settings = ["HPC_OBS_URL": "http://127.0.0.1:\(silent.port)", "HPC_OBS_HOOK_TIMEOUT": "0.5"]
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "41", settings))
        #expect(result.status == 0)
        #expect(result.seconds < 1.0, "took \(result.seconds) s")
        #expect(spooled().count == 1)
    }

    @Test func aLockedDatabaseTripsTheWatchdogWhichSpoolsAndExitsZero() async throws {
        let database = "\(scratch)/locked.db"
        let store = try await openSQLiteStore(database)
        await store.close()
        let locker = try SQLiteLocker(path: database)
        defer { locker.release() }
        let settings = ["DATABASE_URL": database, "HPC_OBS_HOOK_TIMEOUT": "0.5"]
        let result = try await BuiltExecutable.run("hpc-obs-prolog", environment: environment(job: "51", settings))
        #expect(result.status == 0)
        #expect(result.seconds < 1.5, "took \(result.seconds) s")
        #expect(spooled().count == 1)
    }

    @Test func sigtermWhileWaitingSpoolsAndExitsZero() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let settings = ["HPC_OBS_URL": "http://127.0.0.1:\(silent.port)", "HPC_OBS_HOOK_TIMEOUT": "5"]
        let result = try await BuiltExecutable.run("hpc-obs-epilog", environment: environment(job: "61", context: "epilog_slurmd", settings)) { pid in
            try? await Task.sleep(for: .milliseconds(300))
            kill(pid, SIGTERM)
        }
        #expect(result.status == 0)
        #expect(result.seconds < 2)
        #expect(spooled().count == 1)
    }

    /// A trap once ended a hook with SIGILL: slurmd drained the node and PBS requeued the job.
    /// The watchdog now catches every crash, on its own stack (so an overflow too), spools the
    /// pending event and exits 0. Debug builds crash on purpose where HPC_OBS_TEST_CRASH says.
    @Test(arguments: ["trap", "segv", "abort", "stack"])
    func aHookThatCrashesSpoolsItsEventAndExitsZero(mode: String) async throws {
        let settings = ["HPC_OBS_URL": "http://127.0.0.1:1", "HPC_OBS_TEST_CRASH": mode, "SWIFT_BACKTRACE": "enable=no"]
        let result = try await BuiltExecutable.run("hpc-obs-epilog", environment: environment(job: "71", context: "epilog_slurmd", settings))
        #expect(result.status == 0, "\(mode): \(result.standardError)")
        #expect(result.seconds < 2, "\(mode) took \(result.seconds) s")
        let files = spooled()
        #expect(files.count == 1, "\(mode)")
        let body = try #require(files.first.flatMap { FileManager.default.contents(atPath: "\(scratch)/spool/\($0)") })
        #expect(EventWireFormat.decode(Array(body))?.jobID == "71")
        for file in files { try? FileManager.default.removeItem(atPath: "\(scratch)/spool/\(file)") }
    }

    // MARK: PBS

    /// What PBS MoM gives a prologue or epilogue: its own environment (here, only the
    /// settings), and the job in the arguments.
    func pbsEnvironment(_ settings: [String: String]) -> [String: String] {
        var environment = ["HPC_OBS_CONFIG": "\(scratch)/hpc-obs.conf", "HPC_OBS_SPOOL_DIR": "\(scratch)/spool", "PBS_JOBDIR": "/home/alice"]
        environment.merge(settings) { $1 }
        return environment
    }

    static let pbsEpilogue = [
        "1234.pbs01", "alice", "users", "train", "4711", "ncpus=2,mem=2gb,walltime=01:00:00",
        "cpupercent=96,cput=00:09:30,mem=1048576kb,ncpus=2,vmem=2097152kb,walltime=00:05:00", "workq", "null", "0",
    ]

    @Test func aPBSPrologueAndEpilogueRecordTheJobAndItsUsageAndWriteNothingToTheJobsStderr() async throws {
        let database = "\(scratch)/pbs.db"
        let settings = pbsEnvironment(["DATABASE_URL": database])
        let prologue = try await BuiltExecutable.run("hpc-obs-prolog", arguments: ["1234.pbs01", "alice", "users"], environment: settings)
        #expect(prologue.status == 0 && prologue.standardError.isEmpty, "\(prologue.standardError)")
        let store = try await openSQLiteStore(database)
        #expect(try await store.job(id: "1234.pbs01", cluster: nil)?.state == .running)
        let epilogue = try await BuiltExecutable.run("hpc-obs-epilog", arguments: Self.pbsEpilogue, environment: settings)
        #expect(epilogue.status == 0 && epilogue.standardError.isEmpty, "\(epilogue.standardError)")
        let job = try #require(try await store.job(id: "1234.pbs01", cluster: nil))
        #expect(job.state == .completed && job.exitCode == 0 && job.partition == "workq" && job.cluster == "pbs01")
        let usage = try await store.usage(jobID: job.id)
        #expect(usage.nodes.map(\.cpuSeconds) == [570] && usage.nodes.map(\.peakMemoryBytes) == [1 << 30])
        await store.close()
        #expect(spooled().isEmpty)
    }

    @Test func aBadPBSInvocationExitsZeroAndLeavesTheJobsStderrClean() async throws {
        let settings = pbsEnvironment(["HPC_OBS_URL": "http://127.0.0.1:1"])
        for arguments in [["1234.pbs01", "alice"], ["not-a-job", "alice", "users"], Array(repeating: "", count: 12)] {
            let result = try await BuiltExecutable.run("hpc-obs-epilog", arguments: arguments, environment: settings)
            #expect(result.status == 0)
            #expect(result.standardError.isEmpty, "\(result.standardError)")
        }
        #expect(spooled().isEmpty)
    }

    @Test func aPBSEpilogueHandedToTheFullHookKeepsItsArgumentsWhenSpooled() async throws {
        let port = try LocalPort.free()
        let settings = pbsEnvironment(["HPC_OBS_URL": "https://127.0.0.1:\(port)", "HPC_OBS_HOOK_TIMEOUT": "1"])
        let result = try await BuiltExecutable.run("hpc-obs-epilog", arguments: Self.pbsEpilogue, environment: settings)
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        let files = spooled()
        #expect(files.count == 1)
        let body = try Data(contentsOf: URL(fileURLWithPath: "\(scratch)/spool/\(try #require(files.first))"))
        let event = try #require(EventWireFormat.decode(Array(body)))
        #expect(event.jobID == "1234.pbs01" && event.kind == .ended && event.usage?.cpuSeconds == 570)
    }

    @Test func aPBSValueTheStoreWouldRefuseCostsThatValueNotTheEvent() async throws {
        let database = "\(scratch)/pbs-odd.db"
        var arguments = Self.pbsEpilogue
        arguments[0] = "1235.pbs01"
        arguments[5] = "ncpus=2,ngpus=2000000"
        arguments[7] = "work q"
        let result = try await BuiltExecutable.run("hpc-obs-epilog", arguments: arguments, environment: pbsEnvironment(["DATABASE_URL": database]))
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        let store = try await openSQLiteStore(database)
        let job = try #require(try await store.job(id: "1235.pbs01", cluster: nil))
        #expect(job.state == .completed && job.partition == nil && job.requestedGPUs == nil && job.requestedCPUs == 2)
        await store.close()
    }

    @Test func aPBSHookWaitingOnASilentServiceSpoolsAtTheDeadlineWithoutAWordToTheJob() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let settings = pbsEnvironment(["HPC_OBS_URL": "http://127.0.0.1:\(silent.port)", "HPC_OBS_HOOK_TIMEOUT": "0.5"])
        let result = try await BuiltExecutable.run("hpc-obs-epilog", arguments: Self.pbsEpilogue, environment: settings)
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        #expect(result.seconds < 1.0, "took \(result.seconds) s")
        #expect(spooled().count == 1)
    }
}
