import EventTransport
import Foundation
import ObservabilityCore
import Testing

@testable import SchedulerHooks

@Suite("Slurm hook environment to events")
struct SlurmHookEventTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    /// What slurmd gave a Prolog on the testbed (Slurm 22.05).
    let nodeEnvironment = [
        "SLURM_SCRIPT_CONTEXT": "prolog_slurmd", "SLURM_JOB_ID": "42", "SLURM_JOBID": "42", "SLURM_JOB_USER": "alice",
        "SLURM_JOB_UID": "1000", "SLURM_JOB_PARTITION": "debug", "SLURM_CLUSTER_NAME": "hpc1", "SLURMD_NODENAME": "cn07",
        "SLURM_NODELIST": "cn07", "SLURM_JOB_CPUS_PER_NODE": "2", "SLURM_JOB_RESTART_COUNT": "0",
    ]

    /// What slurmctld gave an EpilogSlurmctld for array task 5_1, which ran as job 6.
    let controllerEnvironment = [
        "SLURM_SCRIPT_CONTEXT": "epilog_slurmctld", "SLURM_JOB_ID": "6", "SLURM_JOB_USER": "bob", "SLURM_JOB_UID": "1001",
        "SLURM_JOB_PARTITION": "gpu", "SLURM_CLUSTER_NAME": "hpc1", "SLURM_JOB_NODELIST": "gpu[01-02]",
        "SLURM_JOB_NAME": "train", "SLURM_JOB_ACCOUNT": "(null)", "SLURM_ARRAY_JOB_ID": "5", "SLURM_ARRAY_TASK_ID": "1",
        "SLURM_JOB_EXIT_CODE": "768", "SLURM_JOB_EXIT_CODE2": "3:0", "SLURM_JOB_DERIVED_EC": "0",
        "SLURM_JOB_CPUS_PER_NODE": "2(x2)", "SLURM_JOB_RESTART_COUNT": "0",
    ]

    func event(_ environment: [String: String], role: HookRole) throws -> LifecycleEvent {
        let context = SlurmHookContext.detect(role: role, environment: environment)
        return try SlurmHookEvent.make(context: context, environment: environment, now: now)
    }

    @Test func aNodePrologStartsTheJobOnItsNode() throws {
        let started = try event(nodeEnvironment, role: .prolog)
        #expect(started.id == "slurm:42:prolog_slurmd:cn07")
        #expect(started.jobID == "42" && started.kind == .started && started.user == "alice")
        #expect(started.nodes == ["cn07"] && started.partition == "debug" && started.cluster == "hpc1")
        #expect(started.requestedCPUs == 2 && started.time == now)
    }

    @Test func aControllerEpilogNamesTheArrayTaskAndAllNodes() throws {
        let ended = try event(controllerEnvironment, role: .epilog)
        #expect(ended.id == "slurm:5_1:epilog_slurmctld")
        #expect(ended.jobID == "5_1" && ended.kind == .ended && ended.exitCode == 3)
        #expect(ended.nodes == ["gpu01", "gpu02"] && ended.name == "train" && ended.account == nil)
        #expect(ended.requestedCPUs == 4)
        #expect(ended.resolvedFinalState == .failed)
    }

    @Test func aSignalledJobEndsWith128PlusTheSignal() throws {
        var environment = nodeEnvironment
        environment["SLURM_SCRIPT_CONTEXT"] = "epilog_slurmd"
        environment["SLURM_JOB_EXIT_CODE"] = "9"
        #expect(try event(environment, role: .epilog).exitCode == 137)
        environment["SLURM_JOB_EXIT_CODE2"] = "0:15"
        #expect(try event(environment, role: .epilog).exitCode == 143)
    }

    @Test func everyContextIsRecognisedAndARequeuedRunGetsNewIDs() throws {
        for context in SlurmHookContext.allCases {
            var environment = context.runsOnController ? controllerEnvironment : nodeEnvironment
            environment["SLURM_SCRIPT_CONTEXT"] = context.rawValue
            let made = try event(environment, role: context.role)
            #expect(made.id.contains(context.rawValue))
            #expect(made.kind == (context.role == .prolog ? .started : .ended))
        }
        var requeued = nodeEnvironment
        requeued["SLURM_JOB_RESTART_COUNT"] = "1"
        #expect(try event(requeued, role: .prolog).id == "slurm:42:prolog_slurmd:cn07:r1")
    }

    @Test func theExecutableDecidesWhenTheContextIsMissingOrContradicts() {
        var environment = nodeEnvironment
        environment["SLURM_SCRIPT_CONTEXT"] = nil
        #expect(SlurmHookContext.detect(role: .epilog, environment: environment) == .epilogSlurmd)
        environment["SLURMD_NODENAME"] = nil
        #expect(SlurmHookContext.detect(role: .prolog, environment: environment) == .prologSlurmctld)
        environment["SLURM_SCRIPT_CONTEXT"] = "epilog_slurmctld"
        #expect(SlurmHookContext.detect(role: .prolog, environment: environment) == .prologSlurmctld)
    }

    @Test func aMissingUserFallsBackToTheUID() throws {
        var environment = nodeEnvironment
        environment["SLURM_JOB_USER"] = nil
        #expect(try event(environment, role: .prolog).user == "1000")
    }

    @Test(
        arguments: [
            ("SLURM_JOB_ID", nil),
            ("SLURM_JOB_ID", "42; rm -rf /"),
            ("SLURM_JOB_USER", nil),
            ("SLURM_JOB_EXIT_CODE2", "three"),
        ] as [(String, String?)]
    )
    func malformedEnvironmentsAreReportedNotGuessed(variable: String, value: String?) {
        var environment = nodeEnvironment
        environment["SLURM_SCRIPT_CONTEXT"] = "epilog_slurmd"
        environment[variable] = value
        if variable == "SLURM_JOB_ID" { environment["SLURM_JOBID"] = value }
        if variable == "SLURM_JOB_USER" { environment["SLURM_JOB_UID"] = nil }
        let error = #expect(throws: HookInputError.self) { try event(environment, role: .epilog) }
        #expect(error?.variable == variable)
    }

    @Test func aMalformedControllerNodeListIsReported() {
        var environment = controllerEnvironment
        environment["SLURM_JOB_NODELIST"] = "gpu[01-"
        let error = #expect(throws: HookInputError.self) { try event(environment, role: .epilog) }
        #expect(error?.variable == "SLURM_JOB_NODELIST")
    }

    /// Found by the `slurm-environment` fuzz target: a part that is only "(" split into no
    /// pieces at all and trapped the hook.
    @Test(arguments: ["(", "((", "4,(", "(x2)", "2(", "2(x", "2(x)", ",", "-1", "99999999999999999999(x2)", "9223372036854775807(x2)"])
    func cpusPerNodeThatIsNotACountIsLeftOut(text: String) throws {
        var environment = controllerEnvironment
        environment["SLURM_JOB_CPUS_PER_NODE"] = text
        #expect(try event(environment, role: .prolog).requestedCPUs == nil)
    }

    @Test func cpusPerNodeAddsUpRepeatedNodes() {
        #expect(SlurmHookEvent.totalCPUs("4") == 4)
        #expect(SlurmHookEvent.totalCPUs("2(x3),1") == 7)
    }
}
