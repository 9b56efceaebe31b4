import EventTransport
import Foundation
import ObservabilityCore
import SchedulerFormats
import SchedulerHooks
import Testing

/// PBS prologue and epilogue arguments, exactly as each flavor's MoM passes them, to events.
@Suite("PBS hook arguments to events")
struct PBSHookEventTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var role: HookRole
        var arguments: [String]
        var environment: [String: String] = [:]
        var flavor: PBSFlavor
        var kind: LifecycleEvent.Kind
        var state: JobState?
        var exitCode: Int?
        var usage: LifecycleEvent.Usage?
        var problems = 0
        var testDescription: String { label }
    }

    static let openPBSUsed = "cpupercent=96,cput=00:09:30,mem=1048576kb,ncpus=2,vmem=2097152kb,walltime=00:05:00"
    static let openPBSList = "mem=2gb,ncpus=2,nodect=1,place=pack,select=1:ncpus=2:mem=2gb,walltime=01:00:00"
    static let torqueUsed = "cput=00:01:40,energy_used=0,mem=204800kb,vmem=409600kb,walltime=00:00:50"
    static let torqueList = "neednodes=1:ppn=4,nodes=1:ppn=4,walltime=00:10:00"
    static let cn7Usage = LifecycleEvent.Usage(node: "cn7", cpuSeconds: 570, peakMemoryBytes: 1 << 30)

    static func openPBSEpilogue(exit: String, used: String = openPBSUsed, account: String = "null") -> [String] {
        ["1234.pbs01", "alice", "users", "train", "4711", openPBSList, used, "workq", account, exit]
    }

    static let cases: [Case] = [
        Case(label: "OpenPBS prologue", role: .prolog, arguments: ["1234.pbs01", "alice", "users"], flavor: .openPBS, kind: .started),
        Case(
            label: "OpenPBS epilogue, exit 0",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "0"),
            flavor: .openPBS,
            kind: .ended,
            state: .completed,
            exitCode: 0,
            usage: cn7Usage
        ),
        Case(
            label: "OpenPBS epilogue, exit 3",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "3"),
            flavor: .openPBS,
            kind: .ended,
            state: .failed,
            exitCode: 3,
            usage: cn7Usage
        ),
        Case(
            label: "killed by SIGTERM (256 + 15)",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "271"),
            flavor: .openPBS,
            kind: .ended,
            state: .failed,
            exitCode: 143,
            usage: cn7Usage
        ),
        Case(
            label: "OpenPBS walltime kill",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "-29"),
            flavor: .openPBS,
            kind: .ended,
            state: .timeout,
            exitCode: -29,
            usage: cn7Usage
        ),
        Case(
            label: "OpenPBS memory kill",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "-27"),
            flavor: .openPBS,
            kind: .ended,
            state: .outOfMemory,
            exitCode: -27,
            usage: cn7Usage
        ),
        Case(label: "OpenPBS rerun", role: .epilog, arguments: openPBSEpilogue(exit: "-11"), flavor: .openPBS, kind: .requeued),
        Case(
            label: "OpenPBS could not start it",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "-1"),
            flavor: .openPBS,
            kind: .ended,
            state: .failed,
            exitCode: -1,
            usage: cn7Usage
        ),
        Case(
            label: "Torque prologue (8)",
            role: .prolog,
            arguments: ["77.torque-srv", "bob", "staff", "sim", torqueList, "batch", "", "/var/spool/torque/mom_priv/jobs/77.SC"],
            environment: ["PBS_MSHOST": "n01", "PBS_NODENUM": "0"],
            flavor: .torque,
            kind: .started
        ),
        Case(
            label: "Torque prologue (7, older)",
            role: .prolog,
            arguments: ["77.torque-srv", "bob", "staff", "sim", torqueList, "batch", ""],
            flavor: .torque,
            kind: .started
        ),
        Case(
            label: "Torque epilogue (11), -11 is a walltime kill",
            role: .epilog,
            arguments: ["77.torque-srv", "bob", "staff", "sim", "999", torqueList, torqueUsed, "batch", "", "-11", "/tmp/77.SC"],
            environment: ["PBS_MSHOST": "n01"],
            flavor: .torque,
            kind: .ended,
            state: .timeout,
            exitCode: -11,
            usage: LifecycleEvent.Usage(node: "n01", cpuSeconds: 100, peakMemoryBytes: 200 << 20)
        ),
        Case(
            label: "Torque epilogue (10) recognised by its environment",
            role: .epilog,
            arguments: ["77.torque-srv", "bob", "staff", "sim", "999", torqueList, torqueUsed, "batch", "", "-11"],
            environment: ["PBS_MSHOST": "n01"],
            flavor: .torque,
            kind: .ended,
            state: .timeout,
            exitCode: -11,
            usage: LifecycleEvent.Usage(node: "n01", cpuSeconds: 100, peakMemoryBytes: 200 << 20)
        ),
        Case(
            label: "non-numeric usage values cost the usage, not the event",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "0", used: "cput=lots,mem=12qb,walltime=00:05:00"),
            flavor: .openPBS,
            kind: .ended,
            state: .completed,
            exitCode: 0,
            problems: 3
        ),
        Case(
            label: "empty resources_used",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "0", used: ""),
            flavor: .openPBS,
            kind: .ended,
            state: .completed,
            exitCode: 0
        ),
        Case(
            label: "a non-numeric exit status is a failure",
            role: .epilog,
            arguments: openPBSEpilogue(exit: "abc"),
            flavor: .openPBS,
            kind: .ended,
            state: .failed,
            usage: cn7Usage,
            problems: 1
        ),
        Case(
            label: "a missing exit status is a failure",
            role: .epilog,
            arguments: openPBSEpilogue(exit: ""),
            flavor: .openPBS,
            kind: .ended,
            state: .failed,
            usage: cn7Usage,
            problems: 1
        ),
    ]

    @Test(arguments: cases)
    func argumentsBecomeEvents(_ testCase: Case) throws {
        let arguments = try PBSHookArguments(role: testCase.role, arguments: testCase.arguments, environment: testCase.environment)
        #expect(arguments.flavor == testCase.flavor)
        let made = PBSHookEvent.make(arguments, environment: testCase.environment, now: now, hostName: "cn7")
        let event = made.event
        #expect(made.problems.count == testCase.problems, "\(made.problems)")
        #expect(event.jobID == testCase.arguments[0] && event.user == testCase.arguments[1])
        #expect(event.kind == testCase.kind)
        #expect(event.time == now)
        if event.kind == .ended {
            #expect(event.resolvedFinalState == testCase.state)
        }
        #expect(event.exitCode == testCase.exitCode)
        #expect(event.usage == testCase.usage)
        #expect(throws: Never.self) { try event.validate() }
    }

    @Test func theEpilogueFillsInTheJobsDescription() throws {
        let arguments = try PBSHookArguments(role: .epilog, arguments: Self.openPBSEpilogue(exit: "0", account: "proj7"), environment: [:])
        let event = PBSHookEvent.make(arguments, environment: [:], now: now, hostName: "cn7").event
        #expect(event.name == "train" && event.partition == "workq" && event.account == "proj7")
        #expect(event.cluster == "pbs01")
        #expect(event.nodes == ["cn7"])
        #expect(event.requestedCPUs == 2 && event.requestedMemoryBytes == 2 << 30)
        // walltime=00:05:00 before the epilogue ran.
        #expect(event.startTime == now.addingTimeInterval(-300))
        #expect(event.id == "pbs:1234.pbs01:epilogue:cn7:1780000000000")
        let configured = PBSHookEvent.make(arguments, environment: [:], now: now, hostName: "cn7", cluster: "site").event
        #expect(configured.cluster == "site")
        #expect(
            PBSHookEvent.make(
                try PBSHookArguments(role: .epilog, arguments: Self.openPBSEpilogue(exit: "0"), environment: [:]),
                environment: [:],
                now: now,
                hostName: "cn7"
            ).event.account == nil
        )
    }

    @Test func torqueRequestsAndHostsComeFromItsNodeSpecAndNodeFile() throws {
        let arguments = try PBSHookArguments(
            role: .prolog,
            arguments: ["88.srv", "bob", "staff", "sim", "nodes=2:ppn=4:gpus=1+1:ppn=2,mem=8gb", "batch", "acct", "/tmp/88.SC"],
            environment: [:]
        )
        let environment = ["PBS_NODEFILE": "/var/spool/torque/aux/88.srv", "PBS_MSHOST": "n01"]
        let made = PBSHookEvent.make(arguments, environment: environment, now: now, hostName: "n01") { path in
            path == "/var/spool/torque/aux/88.srv" ? "n01\nn01\nn02\nn02\nn03\n" : nil
        }
        #expect(made.event.nodes == ["n01", "n02", "n03"])
        #expect(made.event.requestedCPUs == 10 && made.event.requestedGPUs == 2 && made.event.requestedMemoryBytes == 8 << 30)
        #expect(made.event.account == "acct" && made.event.partition == "batch")
        // Without a readable node file, the mother superior the environment names.
        #expect(PBSHookEvent.make(arguments, environment: environment, now: now, hostName: "x").event.nodes == ["n01"])
    }

    @Test func theOpenPBSHookPassesTheJobsHostsAndTheUsageNamesTheMotherSuperior() throws {
        let arguments = try PBSHookArguments(role: .epilog, arguments: Self.openPBSEpilogue(exit: "0"), environment: [:])
        let environment = ["HPC_OBS_PBS_EXEC_HOST": "gpu3/0*2+gpu4/0*2"]
        let event = PBSHookEvent.make(arguments, environment: environment, now: now, hostName: "gpu3").event
        #expect(event.nodes == ["gpu3", "gpu4"])
        #expect(event.usage?.node == "gpu3")
    }

    @Test func requestedGPUsAndCPUsFromEverySpelling() throws {
        func requested(_ list: String) throws -> (cpus: Int?, gpus: Int?) {
            let arguments = try PBSHookArguments(
                role: .epilog,
                arguments: ["1.s", "u", "g", "n", "1", list, "ncpus=3,cput=00:00:01,mem=1kb", "q", "null", "0"],
                environment: [:]
            )
            let event = PBSHookEvent.make(arguments, environment: [:], now: now, hostName: "h").event
            return (event.requestedCPUs, event.requestedGPUs)
        }
        #expect(try requested("ncpus=8,ngpus=2") == (8, 2))
        #expect(try requested("ncpus=8,naccelerators=4") == (8, 4))
        #expect(try requested("procs=6") == (6, nil))
        // Nothing requested: the CPUs resources_used counted.
        #expect(try requested("walltime=00:01:00") == (3, nil))
    }

    @Test(arguments: [
        (HookRole.prolog, [String]()),
        (.prolog, ["1.s", "alice"]),
        (.prolog, ["1.s", "alice", "g", "x", "y"]),
        (.epilog, ["1.s", "alice", "g"]),
        (.epilog, Array(repeating: "x", count: 12)),
        (.prolog, ["server.1", "alice", "users"]),
        (.prolog, ["", "alice", "users"]),
        (.prolog, ["1.s", "", "users"]),
        (.prolog, ["1.s", "null", "users"]),
    ])
    func argumentListsThatAreNotPBSAreRefusedWithTheirReason(role: HookRole, arguments: [String]) {
        let error = #expect(throws: HookInputError.self) {
            try PBSHookArguments(role: role, arguments: arguments, environment: [:])
        }
        #expect(error?.description.isEmpty == false)
    }

    @Test func aNamedFlavorDecidesOverArgumentsAndEnvironment() throws {
        let epilogue = Self.openPBSEpilogue(exit: "-11")
        #expect(try PBSHookArguments(role: .epilog, arguments: epilogue, environment: ["PBS_MSHOST": "n1"]).flavor == .torque)
        let torqueHost = ["PBS_MSHOST": "n1"]
        #expect(try PBSHookArguments(role: .epilog, arguments: epilogue, environment: torqueHost, flavor: .openPBS).flavor == .openPBS)
        let long = ["1.s", "u", "g", "job", "ncpus=4", "workq", "null", ""]
        #expect(try PBSHookArguments(role: .prolog, arguments: long, environment: [:], flavor: .openPBS).flavor == .openPBS)
        #expect(try PBSHookArguments(role: .prolog, arguments: long, environment: [:]).flavor == .torque)
    }

    @Test func arrayJobIDsAreKeptWhole() throws {
        let arguments = try PBSHookArguments(role: .prolog, arguments: ["1234[7].pbs01", "alice", "users"], environment: [:])
        #expect(arguments.jobID == "1234[7].pbs01" && arguments.server == "pbs01")
        #expect(try PBSHookArguments(role: .prolog, arguments: ["99", "alice", "users"], environment: [:]).server == nil)
    }

    @Test func aRequeuedRunRecordsNoUsageAndEveryRunGetsItsOwnIDs() throws {
        let arguments = try PBSHookArguments(role: .epilog, arguments: Self.openPBSEpilogue(exit: "-3"), environment: [:])
        let requeued = PBSHookEvent.make(arguments, environment: [:], now: now, hostName: "cn7").event
        // The run it ended started walltime=00:05:00 ago.
        #expect(requeued.kind == .requeued && requeued.usage == nil && requeued.startTime == now.addingTimeInterval(-300))
        let prologue = try PBSHookArguments(role: .prolog, arguments: ["1234.pbs01", "alice", "users"], environment: [:])
        let first = PBSHookEvent.make(prologue, environment: [:], now: now, hostName: "cn7").event
        let second = PBSHookEvent.make(prologue, environment: [:], now: now.addingTimeInterval(60), hostName: "cn7").event
        #expect(first.id != second.id)
    }

    /// `mem=9007199254740991kb` fits in 64 bits, so the hook kept it, but as MiB it was past
    /// what the server takes: the event was refused and the job never recorded. The hook and
    /// the server now share one limit, so the size costs only itself.
    @Test func aSizePastTheServersLimitCostsOnlyItself() throws {
        let list = "mem=9007199254740991kb,ncpus=2"
        let used = "cput=00:00:10,mem=9007199254740991kb,walltime=00:00:20"
        let arguments = try PBSHookArguments(
            role: .epilog,
            arguments: ["9.pbs01", "alice", "users", "big", "1", list, used, "workq", "null", "0"],
            environment: [:]
        )
        let made = PBSHookEvent.make(arguments, environment: [:], now: now, hostName: "cn7").event
        let (kept, dropped) = made.keepingValidFields()
        #expect(kept.requestedMemoryBytes == nil)
        #expect(kept.usage == nil)
        #expect(kept.requestedCPUs == 2)
        #expect(Set(dropped.map(\.field)) == ["requestedMemoryMb", "usage.peakMemoryMb"])
        #expect(throws: Never.self) { try kept.validate() }
        // What the hook sends is what the server's own decoding reads back.
        #expect(EventWireFormat.decode(EventWireFormat.encode(kept)) == kept)
    }
}
