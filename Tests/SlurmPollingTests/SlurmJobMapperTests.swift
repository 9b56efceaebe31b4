import Foundation
import ObservabilityCore
import Testing

@testable import SlurmPolling

@Suite("Slurm job records to events")
struct SlurmJobMapperTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let submit = Date(timeIntervalSince1970: 1_779_990_000)
    let start = Date(timeIntervalSince1970: 1_779_995_000)

    func record(_ state: SlurmBaseState, id: UInt32 = 42) -> SlurmJobRecord {
        SlurmJobRecord(
            jobID: id,
            baseState: state,
            userID: 1000,
            userName: "alice",
            attributes: JobAttributes(
                name: "train",
                partition: "gpu",
                account: "proj",
                cluster: "hpc1"
            ),
            nodes: "gpu[01-02]",
            submitTime: submit,
            startTime: state == .pending ? nil : start,
            endTime: state == .running ? nil : now,
            requestedTRES: "cpu=8,mem=16G,node=2,billing=8,gres/gpu=4"
        )
    }

    @Test(arguments: [
        (SlurmBaseState.pending, JobState.pending), (.running, .running), (.suspended, .suspended), (.complete, .completed),
        (.cancelled, .cancelled), (.failed, .failed), (.timeout, .timeout), (.nodeFail, .nodeFail), (.preempted, .preempted),
        (.bootFail, .nodeFail), (.deadline, .timeout), (.outOfMemory, .outOfMemory),
    ])
    func everyBaseStateHasOurs(slurm: SlurmBaseState, ours: JobState) {
        #expect(SlurmJobMapper.jobState(slurm) == ours)
    }

    @Test func aPendingJobIsSubmittedWithWhatItAskedFor() throws {
        let events = SlurmJobMapper.events(for: record(.pending), userName: "alice", now: now)
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.kind == .submitted && event.jobID == "42" && event.id == "slurm-poll:42:pending:r0")
        #expect(event.time == submit && event.nodes.isEmpty)
        #expect(event.requestedCPUs == 8 && event.requestedMemoryBytes == 16 << 30 && event.requestedGPUs == 4)
        #expect(event.partition == "gpu" && event.account == "proj" && event.cluster == "hpc1" && event.name == "train")
    }

    @Test func aRunningJobStartsOnItsNodesAtItsStartTime() throws {
        let event = try #require(SlurmJobMapper.events(for: record(.running), userName: "alice", now: now).first)
        #expect(event.kind == .started && event.time == start && event.startTime == start)
        #expect(event.nodes == ["gpu01", "gpu02"])
    }

    @Test func anEndedJobCarriesTheSchedulersVerdictAndExitCode() throws {
        var timedOut = record(.timeout)
        timedOut.exitStatus = 15
        let event = try #require(SlurmJobMapper.events(for: timedOut, userName: "alice", now: now).first)
        #expect(event.kind == .ended && event.finalState == .timeout && event.exitCode == 143 && event.time == now)
        var failed = record(.failed)
        failed.exitStatus = 3 << 8
        #expect(SlurmJobMapper.events(for: failed, userName: "alice", now: now).first?.exitCode == 3)
    }

    @Test func requeuesAndResumesGetFreshEventIDs() throws {
        var requeued = record(.pending)
        requeued.restartCount = 1
        let back = try #require(SlurmJobMapper.events(for: requeued, userName: "alice", now: now).first)
        #expect(back.kind == .requeued && back.id == "slurm-poll:42:pending:r1")
        var inFlight = record(.complete)
        inFlight.isRequeueing = true
        #expect(SlurmJobMapper.events(for: inFlight, userName: "alice", now: now).isEmpty)

        var resumed = record(.running)
        let before = SlurmJobMapper.events(for: resumed, userName: "alice", now: now)[0].id
        resumed.suspendTime = now
        #expect(SlurmJobMapper.events(for: resumed, userName: "alice", now: now)[0].id != before)
    }

    @Test func arrayTasksAreNamedArrayUnderscoreTask() throws {
        var task = record(.running, id: 6)
        task.arrayJobID = 5
        task.arrayTaskID = 1
        #expect(SlurmJobMapper.events(for: task, userName: "alice", now: now).map(\.jobID) == ["5_1"])

        var pendingTasks = record(.pending, id: 5)
        pendingTasks.arrayJobID = 5
        pendingTasks.pendingArrayTasks = "2-3,7-11:2%2"
        #expect(SlurmJobMapper.events(for: pendingTasks, userName: "alice", now: now).map(\.jobID) == ["5_2", "5_3", "5_7", "5_9", "5_11"])
    }

    @Test func aMalformedNodeListOrTRESLeavesThoseFieldsOut() throws {
        var odd = record(.running)
        odd.nodes = "gpu[01-"
        odd.requestedTRES = "cpu"
        let event = try #require(SlurmJobMapper.events(for: odd, userName: "alice", now: now).first)
        #expect(event.nodes.isEmpty && event.requestedCPUs == nil)
    }

    /// Separators with nothing between them split into no pieces; they must not be indexed.
    @Test(arguments: [":", "-", "-:3", ":2", "1-3,:,-,5", "%", "%4", "-5", "5-"])
    func oddArrayTaskListsDoNotTrap(text: String) {
        let ids = SlurmJobMapper.taskIDs(text)
        #expect(ids.count <= 5)
    }

    @Test func arrayTaskListsExpand() {
        #expect(SlurmJobMapper.taskIDs("1-3,7,10-14:2%4") == [1, 2, 3, 7, 10, 12, 14])
    }
}
